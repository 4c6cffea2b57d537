using System.Text.RegularExpressions;
using HiApi.Tests.Shared;

namespace HiApi.Client.Tests.Ledger;

[Collection(LedgerProcessCollection.Name)]
public sealed class TaskLedgerMultiProcessTests : IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    private readonly LedgerTestFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Four_processes_and_this_one_appending_at_once_lose_and_tear_nothing()
    {
        const int children = 4;
        const int perProcess = 200;
        var workers = Enumerable.Range(0, children)
            .Select(child => WorkerProcess.Start("ledger-append", "--ledger", folder.LedgerPath, "--prefix", $"p{child}", "--count", $"{perProcess}"))
            .ToArray();
        try
        {
            // Meanwhile this process submits, updates and compacts, so children's cached folds must notice
            // the file being replaced under them.
            var ledger = new TaskLedger(folder.LedgerPath);
            for (var i = 0; i < perProcess; i++)
            {
                var entry = LedgerSampleEntries.Create("parent", i);
                ledger.RecordSubmitted(entry);
                ledger.RecordStatus(entry.TaskId, "handling", null, null, null, null);
                if (i % 50 == 49)
                {
                    ledger.Compact(DateTimeOffset.UtcNow);
                }
            }

            for (var child = 0; child < children; child++)
            {
                Assert.True(0 == workers[child].WaitForExit(Generous), $"worker p{child} failed: {workers[child].ErrorText}");
                Assert.Equal(
                    Enumerable.Range(0, perProcess).Select(i => LedgerSampleEntries.TaskId($"p{child}", i)),
                    workers[child].OutputLines);
            }
        }
        finally
        {
            foreach (var worker in workers)
            {
                worker.Dispose();
            }
        }

        var reloaded = new TaskLedger(folder.LedgerPath);
        var entries = reloaded.Load();
        Assert.Equal((children + 1) * perProcess, entries.Count);
        Assert.Equal(0, reloaded.SkippedLineCount);
        LedgerAssert.NoTornLines(folder.LedgerPath);
        for (var i = 0; i < perProcess; i++)
        {
            for (var child = 0; child < children; child++)
            {
                LedgerAssert.SameEntry(LedgerSampleEntries.Create($"p{child}", i), reloaded.Find(LedgerSampleEntries.TaskId($"p{child}", i)));
            }

            var parentEntry = reloaded.Find(LedgerSampleEntries.TaskId("parent", i));
            LedgerAssert.SameEntryExcept(LedgerSampleEntries.Create("parent", i), parentEntry, "Status", "SeenAt", "UpdatedAt");
            Assert.Equal("handling", parentEntry!.Status);
        }
    }

    [Fact]
    public void A_process_using_a_link_and_one_using_the_real_path_share_one_lock_and_lose_nothing()
    {
        const int perProcess = 300;
        var link = Path.Combine(folder.FolderPath, "link.jsonl");
        File.CreateSymbolicLink(link, folder.LedgerPath);
        using var viaLink = WorkerProcess.Start("ledger-append", "--ledger", link, "--prefix", "link", "--count", $"{perProcess}");
        using var viaReal = WorkerProcess.Start("ledger-append", "--ledger", folder.LedgerPath, "--prefix", "real", "--count", $"{perProcess}");

        // Meanwhile this process compacts through the link, as an automatic compaction of either child would.
        var parent = new TaskLedger(link);
        while (!viaLink.HasExited || !viaReal.HasExited)
        {
            parent.Compact(DateTimeOffset.UtcNow);
            Thread.Sleep(20);
        }

        Assert.True(0 == viaLink.WaitForExit(Generous), $"the worker using the link failed: {viaLink.ErrorText}");
        Assert.True(0 == viaReal.WaitForExit(Generous), $"the worker using the real path failed: {viaReal.ErrorText}");
        var reloaded = new TaskLedger(folder.LedgerPath);
        Assert.Equal(2 * perProcess, reloaded.Load().Count);
        Assert.Equal(0, reloaded.SkippedLineCount);
        LedgerAssert.NoTornLines(folder.LedgerPath);
        Assert.Equal(folder.LedgerPath, new FileInfo(link).ResolveLinkTarget(returnFinalTarget: true)?.FullName);
        Assert.False(File.Exists(link + ".lock"));
        for (var i = 0; i < perProcess; i++)
        {
            LedgerAssert.SameEntry(LedgerSampleEntries.Create("link", i), reloaded.Find(LedgerSampleEntries.TaskId("link", i)));
            LedgerAssert.SameEntry(LedgerSampleEntries.Create("real", i), reloaded.Find(LedgerSampleEntries.TaskId("real", i)));
        }
    }

    [Fact]
    public void Writers_without_a_working_lock_still_never_write_over_each_others_lines()
    {
        // .NET's switch that turns file locking off stands for a file system without locks (or two versions locking
        // different files): only appending at the kernel's end of the file keeps the lines apart then.
        const int perProcess = 300;
        new TaskLedger(folder.LedgerPath).RecordSubmitted(LedgerSampleEntries.Create("first", 0)); // the header, written once
        var noLocks = new Dictionary<string, string> { ["DOTNET_SYSTEM_IO_DISABLEFILELOCKING"] = "1" };
        using var one = WorkerProcess.Start(noLocks, "ledger-append", "--ledger", folder.LedgerPath, "--prefix", "one", "--count", $"{perProcess}");
        using var two = WorkerProcess.Start(noLocks, "ledger-append", "--ledger", folder.LedgerPath, "--prefix", "two", "--count", $"{perProcess}");

        Assert.True(0 == one.WaitForExit(Generous), $"worker one failed: {one.ErrorText}");
        Assert.True(0 == two.WaitForExit(Generous), $"worker two failed: {two.ErrorText}");

        var reloaded = new TaskLedger(folder.LedgerPath);
        Assert.Equal(1 + (2 * perProcess), reloaded.Load().Count);
        Assert.Equal(0, reloaded.SkippedLineCount);
    }

    [Fact]
    public void A_process_killed_mid_append_leaves_a_loadable_ledger_with_everything_it_reported()
    {
        for (var round = 0; round < 3; round++)
        {
            var prefix = $"crash{round}";
            var idPrefix = LedgerSampleEntries.TaskId(prefix, 0)[..^"00000".Length];
            var idPattern = new Regex($"^{Regex.Escape(idPrefix)}[0-9]{{5}}$");
            string[] reported;
            using (var worker = WorkerProcess.Start("ledger-append", "--ledger", folder.LedgerPath, "--prefix", prefix))
            {
                Assert.True(worker.WaitForOutputLines(50 + (25 * round), Generous), $"worker {prefix} reported too little: {worker.ErrorText}");
                worker.KillHard();
                var lines = worker.OutputLines;
                reported = lines.Where(line => idPattern.IsMatch(line)).ToArray();
                Assert.True(reported.Length >= lines.Count - 1, "only the very last stdout line may be cut off by the kill");
            }

            // Loading never throws, and every id the child announced is there, intact, in order.
            var ledger = new TaskLedger(folder.LedgerPath);
            var written = ledger.Load().Where(entry => entry.TaskId.StartsWith(idPrefix, StringComparison.Ordinal)).ToArray();
            Assert.True(
                written.Length == reported.Length || written.Length == reported.Length + 1,
                $"{written.Length} entries on disk, {reported.Length} reported: at most the one in flight may be unreported");
            for (var i = 0; i < reported.Length; i++)
            {
                Assert.Equal(LedgerSampleEntries.TaskId(prefix, i), reported[i]);
                LedgerAssert.SameEntry(LedgerSampleEntries.Create(prefix, i), ledger.Find(reported[i]));
            }

            // Whatever the kill left at the end of the file, the next writer's entry must come through whole.
            var survivor = LedgerSampleEntries.Create($"after{round}", 0);
            ledger.RecordSubmitted(survivor);
            LedgerAssert.SameEntry(survivor, new TaskLedger(folder.LedgerPath).Find(survivor.TaskId));
        }
    }
}
