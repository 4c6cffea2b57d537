using System.Diagnostics;
using HiApi.Client;
using HiApi.Emulator;
using HiApi.FaultInjection.Tests.Support;
using HiApi.Tests.Shared;
using Xunit.Abstractions;

namespace HiApi.FaultInjection.Tests.Resume;

/// <summary>
/// A client process killed hard (SIGKILL, no cleanup) in the middle of a batch loses nothing. Every task it created
/// is in the ledger, or is a submission the ledger holds with its idempotency key (written before the POST); a resume
/// from that ledger (settle the submissions, GetPending, wait, save) saves each video exactly once, whole, without
/// creating any task a second time.
/// </summary>
[Collection(FaultSuiteCollection.Name)]
public sealed class KillAndResumeTests(ITestOutputHelper output)
{
    private const string KeyVariable = "HIAPI_FAULTSUITE_WORKER_KEY";
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_worker_killed_while_waiting_loses_no_task_and_resume_saves_each_video_once()
    {
        const int count = 20;
        var stopwatch = Stopwatch.StartNew();
        // Renders take seconds and the worker polls once a minute: it is surely still waiting when killed.
        await using var emu = await EmulatorServer.StartAsync(new EmulatorOptions
        {
            QueuedMs = 200,
            HandlingMs = 2000,
            ArchivingMs = 200,
            RandomSeed = 4,
        });
        using var scratch = new ScratchFolder("kill-wait");

        string[] printed;
        using (var worker = StartWorker(emu, scratch, "wait", count, pollMs: 60_000))
        {
            await worker.WaitForLinesAsync(IsSubmitted, count, Generous, $"printing {count} task ids");
            Assert.False(worker.HasExited, "the worker must still be running (waiting) when it is killed");
            worker.KillHard();
            printed = SubmittedIds(worker);
            AssertKeyNeverShown(worker);
            Assert.DoesNotContain(worker.OutputLines, line => line.StartsWith("saved ", StringComparison.Ordinal));
        }

        var partialAfterKill = SavedVideos.NonVideoFiles(scratch.VideoFolder).Count;
        var resume = await ResumeAsync(emu, scratch);
        stopwatch.Stop();

        Report("mid-wait", emu, count, printed.Length, resume, partialAfterKill, scratch, stopwatch.Elapsed);
        AssertRecoveredEverything(emu, scratch, printed, resume, count);
        Assert.Equal(count, emu.Requests.Count(request => request.Kind == "download")); // each video fetched once, by the resume
        Assert.All(resume.Saved, file => SavedVideos.AssertIsTheFixture(file.FullName));
    }

    [Fact]
    public async Task A_worker_killed_while_downloading_leaves_no_partial_video_and_resume_completes()
    {
        const int count = 3;
        const long videoSize = 16L * 1024 * 1024;
        var stopwatch = Stopwatch.StartNew();
        // Every download is cut short while the worker runs, so its first download is provably still in flight
        // (part-written) when the test sees its first bytes arrive and kills it.
        await using var emu = await EmulatorServer.StartAsync(new EmulatorOptions
        {
            QueuedMs = 50,
            HandlingMs = 200,
            ArchivingMs = 50,
            RandomSeed = 5,
            VideoSizeBytes = videoSize,
            Faults = new FaultOptions { TruncateDownloadRate = 1 },
        });
        using var scratch = new ScratchFolder("kill-download");

        string[] printed;
        using (var worker = StartWorker(emu, scratch, "download", count, pollMs: 100))
        {
            await worker.WaitForLinesAsync(line => line.StartsWith("receiving ", StringComparison.Ordinal), 1, Generous, "receiving a video");
            worker.KillHard();
            printed = SubmittedIds(worker);
            AssertKeyNeverShown(worker);
            Assert.DoesNotContain(worker.OutputLines, line => line.StartsWith("saved ", StringComparison.Ordinal));
        }

        // The kill left the downloader's hidden temporary file, never a half-written <taskId>.mp4.
        Assert.Empty(SavedVideos.VideoTaskIds(scratch.VideoFolder));
        var partialAfterKill = SavedVideos.NonVideoFiles(scratch.VideoFolder);
        Assert.NotEmpty(partialAfterKill);
        Assert.All(partialAfterKill, name => Assert.EndsWith(".partial", name));

        emu.Options.Faults = new FaultOptions(); // storage behaves again for the resume
        var resume = await ResumeAsync(emu, scratch);
        stopwatch.Stop();

        Report("mid-download", emu, count, printed.Length, resume, partialAfterKill.Count, scratch, stopwatch.Elapsed);
        AssertRecoveredEverything(emu, scratch, printed, resume, count);
        Assert.All(resume.Saved, file => SavedVideos.AssertLengthAndFtyp(file.FullName, videoSize));
    }

    [Fact]
    public async Task A_worker_killed_while_a_post_is_in_flight_leaves_nothing_unknown_and_nothing_is_paid_twice()
    {
        const int count = 8;
        var stopwatch = Stopwatch.StartNew();
        // Each create makes its task, then answers 1.5 s later: a kill after the second id lands in the middle of the
        // third POST, whose task HiAPI has created and charged but the worker never heard of.
        await using var emu = await EmulatorServer.StartAsync(new EmulatorOptions
        {
            QueuedMs = 50,
            HandlingMs = 200,
            ArchivingMs = 50,
            RandomSeed = 6,
            Faults = new FaultOptions { FaultCreate = true, SlowResponseRate = 1, SlowResponseDelayMs = 1500 },
        });
        using var scratch = new ScratchFolder("kill-submit");

        string[] printed;
        using (var worker = StartWorker(emu, scratch, "submit", count, pollMs: 60_000))
        {
            await worker.WaitForLinesAsync(IsSubmitted, 2, Generous, "printing 2 task ids");
            // From now on an answer takes a minute, so a busy machine cannot let the POST in flight finish before the kill.
            emu.Options.Faults = new FaultOptions { FaultCreate = true, SlowResponseRate = 1, SlowResponseDelayMs = 60_000 };
            await Eventually.TrueAsync(() => emu.Tasks.Count > SubmittedIds(worker).Length, "the emulator created a task the worker has not printed");
            worker.KillHard();
            printed = SubmittedIds(worker);
            AssertKeyNeverShown(worker);
        }

        var created = emu.Tasks.Select(task => task.TaskId).ToHashSet();
        Assert.True(created.Count > printed.Length, "a task was created whose id the worker never printed");
        var unresolved = new TaskLedger(scratch.LedgerPath).GetUnresolvedSubmissions();
        Assert.NotEmpty(unresolved);

        emu.Options.Faults = new FaultOptions();
        var resume = await ResumeAsync(emu, scratch);
        stopwatch.Stop();

        Report("mid-submit", emu, count, printed.Length, resume, 0, scratch, stopwatch.Elapsed);
        // Nothing unknown: every task HiAPI created was found, none was created twice, each video saved once.
        Assert.Equal(created.Order(StringComparer.Ordinal), emu.Tasks.Select(task => task.TaskId).Order(StringComparer.Ordinal));
        Assert.Equal(emu.Tasks.Count, emu.Tasks.Select(task => task.Prompt).Distinct().Count());
        Assert.Equal(created.Order(StringComparer.Ordinal), resume.PendingAtResume.Order(StringComparer.Ordinal));
        Assert.True(resume.Problems.Count == 0, "problems: " + string.Join(Environment.NewLine, resume.Problems));
        Assert.Equal(created.Count, resume.Saved.Count);
        var ledger = new TaskLedger(scratch.LedgerPath);
        Assert.Empty(ledger.GetUnresolvedSubmissions());
        Assert.Empty(ledger.GetPending());
    }

    private static WorkerProcess StartWorker(EmulatorServer emu, ScratchFolder scratch, string prefix, int count, int pollMs) =>
        WorkerProcess.Start(
            new Dictionary<string, string> { [KeyVariable] = TestKeys.Emulator },
            "submit-and-wait",
            "--base-uri", emu.BaseAddress.ToString(),
            "--api-key-env", KeyVariable,
            "--ledger", scratch.LedgerPath,
            "--count", count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--prefix", prefix,
            "--poll-ms", pollMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--out", scratch.VideoFolder);

    private static bool IsSubmitted(string line) => line.StartsWith("submitted ", StringComparison.Ordinal);

    /// <summary>The ids the worker announced; a kill can cut off at most a last line, which then matches nothing.</summary>
    private static string[] SubmittedIds(WorkerProcess worker) =>
        worker.OutputLines.Where(IsSubmitted).Select(line => line["submitted ".Length..]).Where(id => id.Length == "tk-hiapi-".Length + 26).ToArray();

    private static void AssertKeyNeverShown(WorkerProcess worker)
    {
        Assert.DoesNotContain(worker.Arguments, argument => argument.Contains(TestKeys.Emulator, StringComparison.Ordinal));
        Assert.DoesNotContain(worker.OutputLines, line => line.Contains(TestKeys.Emulator, StringComparison.Ordinal));
        Assert.DoesNotContain(TestKeys.Emulator, worker.ErrorText, StringComparison.Ordinal);
    }

    /// <summary>What a user does after the crash: open the same ledger, take what is owed, wait for it and save it.</summary>
    private static async Task<ResumeOutcome> ResumeAsync(EmulatorServer emu, ScratchFolder scratch)
    {
        var warnings = new List<string>();
        var client = EmulatorClients.Create(emu);
        var session = new HiApiSession(client, new TaskLedger(scratch.LedgerPath), warn: warnings.Add);
        // What Get-HiApiSubmission -Unresolved | New-HiApiVideoTask does: send each unanswered submission again with its key.
        foreach (var unresolved in session.GetUnresolvedSubmissions())
        {
            await session.SettleAsync(unresolved);
        }

        var pending = session.GetPending();
        var outcome = new ResumeOutcome(pending.Select(task => task.TaskId).ToArray(), warnings);

        await using var waiter = new TaskWaiter(client, new WaitOptions
        {
            PollInterval = TimeSpan.FromMilliseconds(100),
            Timeout = TimeSpan.FromMinutes(2),
        });
        foreach (var task in pending)
        {
            waiter.Add(task);
        }

        waiter.CompleteAdding();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var downloads = new DownloadOptions { RetryPolicy = EmulatorClients.FaultTolerantRetries };
        while (await waiter.ReadAsync(limit.Token) is { } finished)
        {
            session.RecordStatus(finished.Task);
            if (finished.Kind != WaitEventKind.Succeeded)
            {
                outcome.Problems.Add(finished.ToString());
                continue;
            }

            var target = SavePathResolver.ResolveTargetFile(scratch.VideoFolder, finished.Task.TaskId);
            var saved = await session.SaveAsync(finished.Task, target, downloads, limit.Token);
            Assert.False(saved.AlreadySaved, $"{finished.Task.TaskId} was already saved before the resume");
            outcome.Saved.Add(saved.File);
        }

        return outcome;
    }

    private static void AssertRecoveredEverything(EmulatorServer emu, ScratchFolder scratch, string[] printed, ResumeOutcome resume, int count)
    {
        var created = emu.Tasks.Select(task => task.TaskId).Order(StringComparer.Ordinal).ToArray();

        // The worker got through its submissions before the kill; nothing was submitted again afterwards.
        Assert.Equal(count, created.Length);
        Assert.Equal(count, emu.Tasks.Select(task => task.Prompt).Distinct().Count());
        Assert.Equal(created, printed.Order(StringComparer.Ordinal));

        // Every created task came back from the ledger, and was saved exactly once, into <taskId>.mp4.
        Assert.Equal(created, resume.PendingAtResume.Order(StringComparer.Ordinal));
        Assert.True(resume.Problems.Count == 0, "problems: " + string.Join(Environment.NewLine, resume.Problems));
        Assert.Empty(resume.Warnings);
        Assert.Equal(count, resume.Saved.Count);
        Assert.Equal(created, SavedVideos.VideoTaskIds(scratch.VideoFolder).Order(StringComparer.Ordinal));
        Assert.Empty(SavedVideos.NonVideoFiles(scratch.VideoFolder));

        var ledger = new TaskLedger(scratch.LedgerPath);
        Assert.Empty(ledger.GetPending());
        Assert.All(ledger.Load(), entry => Assert.True(entry.IsSaved, $"{entry.TaskId} is not recorded as saved"));
    }

    private void Report(string variant, EmulatorServer emu, int count, int printed, ResumeOutcome resume, int partialAfterKill, ScratchFolder scratch, TimeSpan elapsed) =>
        new FigureReport("KILL-RESUME")
            .Add("variant", variant)
            .Add("tasks", count)
            .Add("created", emu.Tasks.Count)
            .Add("idsPrintedBeforeKill", printed)
            .Add("pendingAtResume", resume.PendingAtResume.Count)
            .Add("videosSaved", resume.Saved.Count)
            .Add("duplicateSubmissions", emu.Tasks.Count - emu.Tasks.Select(task => task.Prompt).Distinct().Count())
            .Add("partialFilesAfterKill", partialAfterKill)
            .Add("partialFilesAfterResume", SavedVideos.NonVideoFiles(scratch.VideoFolder).Count)
            .Add("truncatedDownloads", emu.Faults.TruncatedDownloads)
            .Add("wallSeconds", elapsed.TotalSeconds)
            .WriteTo(output);

    private sealed class ResumeOutcome(IReadOnlyList<string> pendingAtResume, List<string> warnings)
    {
        public IReadOnlyList<string> PendingAtResume { get; } = pendingAtResume;
        public List<string> Warnings { get; } = warnings;
        public List<FileInfo> Saved { get; } = new();
        public List<string> Problems { get; } = new();
    }
}
