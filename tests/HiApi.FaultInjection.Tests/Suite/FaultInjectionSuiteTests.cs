using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using HiApi.Client;
using HiApi.Emulator;
using HiApi.FaultInjection.Tests.Support;
using Xunit.Abstractions;

namespace HiApi.FaultInjection.Tests.Suite;

/// <summary>
/// Issue 4: with every fault the emulator can inject switched on, a batch of 200 tasks run the way the cmdlet
/// pipeline runs it (submit one after another, wait for all at once, save each as soon as it succeeds) ends with
/// every video saved exactly once and whole, nothing submitted twice, no temporary file left and nothing pending.
/// </summary>
[Collection(FaultSuiteCollection.Name)]
public sealed class FaultInjectionSuiteTests(ITestOutputHelper output)
{
    private const int TaskCount = 200;

    /// <summary>Every fourth task asks for a callback, delivered twice by the emulator.</summary>
    private const int CallbackEvery = 4;

    [Fact]
    public async Task Two_hundred_tasks_through_every_fault_end_with_each_video_saved_once_and_whole()
    {
        var stopwatch = Stopwatch.StartNew();
        await using var emu = await EmulatorServer.StartAsync(new EmulatorOptions
        {
            QueuedMs = 50,
            HandlingMs = 300,
            ArchivingMs = 50,
            RandomSeed = 20240604,
            CallbackDeliveries = 2,
            RetryAfterSeconds = 1,
            Faults = new FaultOptions
            {
                ServerErrorRate = 0.1,
                DropConnectionRate = 0.05,
                TooManyRequestsRate = 0.1,
                SlowResponseRate = 0.05,
                SlowResponseDelayMs = 300,
                TruncateDownloadRate = 0.15,
                // A lost create answer cannot be retried safely (no idempotency key): CreateAmbiguityTests covers it.
                FaultCreate = false,
            },
        });
        await using var receiver = await CallbackCounter.StartAsync();
        using var scratch = new ScratchFolder("fault-suite");
        var warnings = new ConcurrentQueue<string>(); // submissions and saves run on different threads
        var client = EmulatorClients.Create(emu);
        var session = new HiApiSession(client, new TaskLedger(scratch.LedgerPath), warn: warnings.Enqueue);
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(4));

        var (submitted, outcome) = await RunPipelineAsync(session, receiver.Url, scratch.VideoFolder, limit.Token);
        var callbackTasks = submitted.Where(task => task.CallbackUrl is not null).Select(task => task.TaskId).ToList();
        await Eventually.TrueAsync(
            () => receiver.TotalDeliveries >= 2 * callbackTasks.Count,
            "every callback arrived twice",
            TimeSpan.FromSeconds(60));
        stopwatch.Stop();

        var created = emu.Tasks;
        var faults = emu.Faults;
        var downloadRequests = emu.Requests.Count(request => request.Kind == "download");
        new FigureReport("FAULT-SUITE")
            .Add("tasks", TaskCount)
            .Add("created", created.Count)
            .Add("serverErrors", faults.ServerErrors)
            .Add("droppedConnections", faults.DroppedConnections)
            .Add("tooManyRequests", faults.TooManyRequests)
            .Add("slowResponses", faults.SlowResponses)
            .Add("truncatedDownloads", faults.TruncatedDownloads)
            .Add("faultsInjected", faults.ServerErrors + faults.DroppedConnections + faults.TooManyRequests + faults.SlowResponses + faults.TruncatedDownloads)
            .Add("apiRequests", client.RequestCount)
            .Add("apiRetries", client.RetryCount)
            .Add("downloadRequests", downloadRequests)
            .Add("videosSaved", outcome.Saved.Count)
            .Add("callbackTasks", callbackTasks.Count)
            .Add("callbacksReceived", receiver.TotalDeliveries)
            .Add("duplicateCallbacks", receiver.Duplicates)
            .Add("duplicateSubmissions", created.Count - created.Select(task => task.Prompt).Distinct().Count())
            .Add("wallSeconds", stopwatch.Elapsed.TotalSeconds)
            .WriteTo(output);

        // Every task ended in a saved video; nothing failed, timed out or errored on the way.
        Assert.True(outcome.Problems.Count == 0, "problems: " + string.Join(Environment.NewLine, outcome.Problems));
        Assert.Empty(warnings);

        // No task submitted twice: each unique prompt reached the emulator exactly once, and those are our tasks.
        Assert.Equal(TaskCount, created.Count);
        Assert.Equal(
            submitted.Select(task => task.Prompt).Order(StringComparer.Ordinal),
            created.Select(task => task.Prompt).Order(StringComparer.Ordinal));
        Assert.Equal(
            submitted.Select(task => task.TaskId).Order(StringComparer.Ordinal),
            created.Select(task => task.TaskId).Order(StringComparer.Ordinal));
        Assert.Equal(TaskCount, emu.Requests.Count(request => request.Kind == "create" && request.StatusCode == 200));

        // Every created task has exactly one saved file, downloaded once, with the emulator's exact bytes.
        Assert.Equal(TaskCount, outcome.Saved.Count);
        Assert.Equal(TaskCount, outcome.Saved.Select(save => save.TaskId).Distinct().Count());
        Assert.All(outcome.Saved, save => Assert.False(save.Result.AlreadySaved));
        Assert.Equal(
            created.Select(task => task.TaskId).Order(StringComparer.Ordinal),
            SavedVideos.VideoTaskIds(scratch.VideoFolder).Order(StringComparer.Ordinal));
        Assert.All(outcome.Saved, save => SavedVideos.AssertIsTheFixture(save.Result.File.FullName));
        Assert.Empty(SavedVideos.NonVideoFiles(scratch.VideoFolder));

        // The ledger agrees: every task recorded, saved where it is, nothing owed.
        var ledger = new TaskLedger(scratch.LedgerPath);
        Assert.Empty(ledger.GetPending());
        Assert.Equal(TaskCount, ledger.Load().Count);
        Assert.All(ledger.Load(), entry => Assert.Equal(SavePathResolver.ResolveTargetFile(scratch.VideoFolder, entry.TaskId), entry.SavedPath));
        Assert.Equal(0, ledger.SkippedLineCount);

        // The faults really happened, and the client really had to work around them.
        Assert.True(faults.ServerErrors > 0, "no 5xx was injected");
        Assert.True(faults.DroppedConnections > 0, "no connection was dropped");
        Assert.True(faults.TooManyRequests > 0, "no 429 was injected");
        Assert.True(faults.SlowResponses > 0, "no answer was slowed down");
        Assert.True(faults.TruncatedDownloads > 0, "no download was cut short");
        Assert.True(client.RetryCount > 0, "the client never retried");
        Assert.True(downloadRequests > TaskCount, "no download had to be resumed");

        // Callbacks: the duplicates the seeds warn about arrived, each callback task exactly twice, others never.
        Assert.Equal(0, receiver.Unreadable);
        Assert.Equal(callbackTasks.Order(StringComparer.Ordinal), receiver.DeliveriesByTask.Keys.Order(StringComparer.Ordinal));
        Assert.All(receiver.DeliveriesByTask.Values, count => Assert.Equal(2, count));
        Assert.Equal(callbackTasks.Count, receiver.Duplicates);
    }

    /// <summary>
    /// New-HiApiVideoTask | Wait-HiApiTask | Save-HiApiVideo, without PowerShell: tasks are submitted one at a time
    /// and handed to the waiter as they come, while each reported success is saved (one at a time) and every
    /// outcome recorded in the ledger, as the cmdlets do.
    /// </summary>
    private static async Task<(List<HiApiTask> Submitted, PipelineOutcome Outcome)> RunPipelineAsync(
        HiApiSession session, string callbackUrl, string videoFolder, CancellationToken ct)
    {
        await using var waiter = new TaskWaiter(session.Client, new WaitOptions
        {
            PollInterval = TimeSpan.FromMilliseconds(200),
            Timeout = TimeSpan.FromMinutes(3),
        });
        var downloads = new DownloadOptions { RetryPolicy = EmulatorClients.FaultTolerantRetries };
        var saving = Task.Run(() => SaveAsReportedAsync(session, waiter, videoFolder, downloads, ct), ct);

        var submitted = new List<HiApiTask>();
        try
        {
            for (var index = 0; index < TaskCount; index++)
            {
                var task = await session.SubmitAsync(
                    new VideoRequest
                    {
                        Prompt = string.Create(CultureInfo.InvariantCulture, $"fault suite clip {index:D3}"),
                        Duration = 3,
                        Resolution = "720p",
                        CallbackUrl = index % CallbackEvery == 0 ? callbackUrl : null,
                    },
                    ct: ct);
                submitted.Add(task);
                waiter.Add(task);
            }
        }
        finally
        {
            waiter.CompleteAdding();
        }

        return (submitted, await saving);
    }

    private static async Task<PipelineOutcome> SaveAsReportedAsync(
        HiApiSession session, TaskWaiter waiter, string videoFolder, DownloadOptions downloads, CancellationToken ct)
    {
        var outcome = new PipelineOutcome();
        while (await waiter.ReadAsync(ct) is { } finished)
        {
            session.RecordStatus(finished.Task);
            if (finished.Kind != WaitEventKind.Succeeded)
            {
                outcome.Problems.Add($"{finished.Task.TaskId}: {finished}");
                continue;
            }

            try
            {
                var target = SavePathResolver.ResolveTargetFile(videoFolder, finished.Task.TaskId);
                outcome.Saved.Add((finished.Task.TaskId, await session.SaveAsync(finished.Task, target, downloads, ct)));
            }
            catch (HiApiException error)
            {
                outcome.Problems.Add($"{finished.Task.TaskId}: save failed: {error.Message}");
            }
        }

        return outcome;
    }

    private sealed class PipelineOutcome
    {
        public List<(string TaskId, SaveResult Result)> Saved { get; } = new();
        public List<string> Problems { get; } = new();
    }
}
