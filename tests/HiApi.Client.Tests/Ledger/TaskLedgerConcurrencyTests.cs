namespace HiApi.Client.Tests.Ledger;

public sealed class TaskLedgerConcurrencyTests : IDisposable
{
    private readonly LedgerTestFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void A_held_lock_times_out_with_a_clear_error_and_writes_nothing()
    {
        var ledger = new TaskLedger(folder.LedgerPath, new LedgerOptions { LockTimeout = TimeSpan.FromMilliseconds(200) });
        ledger.RecordSubmitted(new LedgerEntry { TaskId = "tk-before" });
        var linesBefore = LedgerAssert.FileLines(folder.LedgerPath);

        using (new FileStream(folder.LedgerPath + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var write = Assert.Throws<IOException>(() => ledger.RecordSubmitted(new LedgerEntry { TaskId = "tk-blocked" }));
            var read = Assert.Throws<IOException>(() => ledger.Load());

            Assert.Contains("Timed out", write.Message);
            Assert.Contains(folder.LedgerPath + ".lock", write.Message);
            Assert.Contains(TaskLedger.DisableEnvironmentVariable, write.Message);
            Assert.Equal(write.Message, read.Message);
        }

        Assert.Equal(linesBefore, LedgerAssert.FileLines(folder.LedgerPath));
        ledger.RecordSubmitted(new LedgerEntry { TaskId = "tk-after" });
        Assert.Equal(new[] { "tk-before", "tk-after" }, ledger.Load().Select(entry => entry.TaskId));
    }

    [TmpfsFact]
    public void A_read_only_disk_is_reported_as_it_is_not_waited_for_as_a_lock()
    {
        using (var disk = TinyFileSystem.Mount("ro,size=1m"))
        {
            // A lock timeout long enough that, were EROFS taken for contention, the message would say "Timed out".
            var ledger = new TaskLedger(Path.Combine(disk.Path, "ledger.jsonl"), new LedgerOptions { LockTimeout = TimeSpan.FromSeconds(3) });
            var refused = Assert.ThrowsAny<IOException>(() => ledger.RecordSubmitted(new LedgerEntry { TaskId = "tk-ro" }));

            Assert.DoesNotContain("Timed out", refused.Message);
            Assert.Contains("Read-only file system", refused.Message);
        }
    }

    [Fact]
    public async Task A_briefly_held_lock_is_waited_for()
    {
        var ledger = new TaskLedger(folder.LedgerPath, new LedgerOptions { LockTimeout = TimeSpan.FromSeconds(30) });
        var holder = new FileStream(folder.LedgerPath + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        var releasing = 0;
        var release = Task.Run(async () =>
        {
            await Task.Delay(150);
            Volatile.Write(ref releasing, 1);
            holder.Dispose();
        });

        ledger.RecordSubmitted(new LedgerEntry { TaskId = "tk-waited" });

        Assert.Equal(1, Volatile.Read(ref releasing)); // it could only have written after the holder let go
        await release.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(new TaskLedger(folder.LedgerPath).Contains("tk-waited"));
    }

    [Fact]
    public async Task Many_threads_appending_at_once_lose_nothing()
    {
        const int threads = 8;
        const int perThread = 40;
        var shared = new TaskLedger(folder.LedgerPath);
        using var start = new ManualResetEventSlim();
        var workers = Enumerable.Range(0, threads).Select(thread => Task.Factory.StartNew(
            () =>
            {
                // Half share one instance (in-process serialization), half bring their own (lock-file contention).
                var ledger = thread % 2 == 0 ? shared : new TaskLedger(folder.LedgerPath);
                start.Wait();
                for (var i = 0; i < perThread; i++)
                {
                    var entry = LedgerSampleEntries.Create($"t{thread}", i);
                    ledger.RecordSubmitted(entry);
                    ledger.RecordStatus(entry.TaskId, "handling", null, null, null, null);
                }
            },
            TaskCreationOptions.LongRunning)).ToArray();

        start.Set();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(60));

        var reloaded = new TaskLedger(folder.LedgerPath);
        var entries = reloaded.Load();
        Assert.Equal(threads * perThread, entries.Count);
        Assert.Equal(0, reloaded.SkippedLineCount);
        for (var thread = 0; thread < threads; thread++)
        {
            for (var i = 0; i < perThread; i++)
            {
                var actual = reloaded.Find(LedgerSampleEntries.TaskId($"t{thread}", i));
                LedgerAssert.SameEntryExcept(LedgerSampleEntries.Create($"t{thread}", i), actual, "Status", "SeenAt", "UpdatedAt");
                Assert.Equal("handling", actual!.Status);
            }
        }
    }
}
