using System.Collections.Concurrent;
using System.Net;

namespace HiApi.Client.Tests;

public sealed class TaskWaiterTests
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly WaitOptions FiveSeconds = new() { PollInterval = TimeSpan.FromSeconds(5), Timeout = TimeSpan.FromSeconds(600) };

    /// <summary>A fake API where each task reports <c>handling</c> until its n-th GET, then its final answer.</summary>
    private sealed class ScriptedApi
    {
        private readonly ConcurrentDictionary<string, int> _gets = new();
        private readonly Dictionary<string, (int FinalOnGet, Func<string, string> Final)> _script = new();

        public ScriptedApi Succeeds(string taskId, int onGet)
        {
            _script[taskId] = (onGet, id => ApiJson.Success(id, $"https://temp.example/{id}.mp4", 1783131245));
            return this;
        }

        public ScriptedApi Fails(string taskId, int onGet, string code, string message)
        {
            _script[taskId] = (onGet, id => ApiJson.Failed(id, code, message));
            return this;
        }

        public int GetsOf(string taskId) => _gets.GetValueOrDefault(taskId);

        public HttpResponseMessage Answer(RecordedHttpRequest request)
        {
            var id = Uri.UnescapeDataString(request.Uri.AbsolutePath["/v1/tasks/".Length..]);
            var count = _gets.AddOrUpdate(id, 1, (_, n) => n + 1);
            if (!_script.TryGetValue(id, out var plan))
            {
                return FakeHttpHandler.Json(404, ApiJson.NotFound);
            }

            return count >= plan.FinalOnGet
                ? FakeHttpHandler.Json(200, plan.Final(id))
                : FakeHttpHandler.Json(200, ApiJson.Task(id, count == 1 ? "queued" : "handling"));
        }
    }

    private static HiApiTask Submitted(string id, DateTimeOffset at) => new(id)
    {
        Status = HiApiTaskStatus.Queued,
        Model = HiApiModels.TextToVideo,
        SubmittedAt = at,
        Request = new VideoRequest
        {
            Prompt = $"prompt of {id}",
            Duration = 3,
        },
    };

    /// <summary>
    /// Moves the clock, then waits until the polls it triggered were sent and their results applied, so
    /// the next move of the clock cannot overtake a poll still being processed.
    /// </summary>
    private static async Task AdvanceUntilRequests(ManualTimeProvider time, TimeSpan by, FakeHttpHandler handler, int expectedRequests, TaskWaiter waiter)
    {
        time.Advance(by);
        await Eventually.TrueAsync(() => handler.Count >= expectedRequests, $"{expectedRequests} requests were sent");
        await Eventually.TrueAsync(() => waiter.PollsInFlight == 0, "every poll result was applied");
    }

    [Fact]
    public async Task FirstPoll_IsOneIntervalAfterSubmission_SoAShortRenderCostsOneGet()
    {
        var api = new ScriptedApi().Succeeds("tk-short", onGet: 1);
        var handler = new FakeHttpHandler((request, _) => api.Answer(request));
        var time = new ManualTimeProvider(Start);
        await using var waiter = new TaskWaiter(TestClients.Create(handler), FiveSeconds, time);

        waiter.Add(Submitted("tk-short", Start));
        waiter.CompleteAdding();
        time.Advance(TimeSpan.FromSeconds(4.9));
        await Task.Delay(100);
        Assert.Equal(0, handler.Count);

        time.Advance(TimeSpan.FromSeconds(0.1));
        var succeeded = await Eventually.WithinAsync(waiter.ReadAsync(CancellationToken.None));

        Assert.Equal(WaitEventKind.Succeeded, succeeded!.Kind);
        Assert.Null(succeeded.Error);
        Assert.Equal("https://temp.example/tk-short.mp4", succeeded.Task.VideoUrl);
        Assert.Equal(1, handler.Count);
        Assert.Null(await Eventually.WithinAsync(waiter.ReadAsync(CancellationToken.None)));
    }

    [Fact]
    public async Task AllTasksAreWaitedForAtOnce_EachReportedTheMomentItSucceeds()
    {
        var api = new ScriptedApi().Succeeds("tk-a", onGet: 4).Succeeds("tk-b", onGet: 2).Succeeds("tk-c", onGet: 1);
        var handler = new FakeHttpHandler((request, _) => api.Answer(request));
        var time = new ManualTimeProvider(Start);
        await using var waiter = new TaskWaiter(TestClients.Create(handler), FiveSeconds, time);
        foreach (var id in new[] { "tk-a", "tk-b", "tk-c" })
        {
            waiter.Add(Submitted(id, Start));
        }

        waiter.CompleteAdding();
        await AdvanceUntilRequests(time, TimeSpan.FromSeconds(5), handler, 3, waiter);
        var first = await Eventually.WithinAsync(waiter.ReadAsync(CancellationToken.None));
        Assert.Equal("tk-c", first!.Task.TaskId);
        Assert.False(waiter.TryRead(out _));

        await AdvanceUntilRequests(time, TimeSpan.FromSeconds(5), handler, 5, waiter);
        var second = await Eventually.WithinAsync(waiter.ReadAsync(CancellationToken.None));
        Assert.Equal("tk-b", second!.Task.TaskId);

        await AdvanceUntilRequests(time, TimeSpan.FromSeconds(5), handler, 6, waiter);
        await AdvanceUntilRequests(time, TimeSpan.FromSeconds(5), handler, 7, waiter);
        var third = await Eventually.WithinAsync(waiter.ReadAsync(CancellationToken.None));
        Assert.Equal("tk-a", third!.Task.TaskId);

        Assert.Null(await Eventually.WithinAsync(waiter.ReadAsync(CancellationToken.None)));
        Assert.Equal((4, 2, 1), (api.GetsOf("tk-a"), api.GetsOf("tk-b"), api.GetsOf("tk-c")));
    }

    [Fact]
    public async Task EventsKeepTheRequestFields()
    {
        var api = new ScriptedApi().Succeeds("tk-1", onGet: 1);
        var time = new ManualTimeProvider(Start);
        var handler = new FakeHttpHandler((request, _) => api.Answer(request));
        await using var waiter = new TaskWaiter(TestClients.Create(handler), FiveSeconds, time);

        waiter.Add(Submitted("tk-1", Start));
        await AdvanceUntilRequests(time, TimeSpan.FromSeconds(5), handler, 1, waiter);
        var done = await Eventually.WithinAsync(waiter.ReadAsync(CancellationToken.None));

        Assert.Equal(("prompt of tk-1", 3, (DateTimeOffset?)Start), (done!.Task.Prompt, done.Task.Duration, done.Task.SubmittedAt));
        Assert.Equal(HiApiTaskStatus.Success, done.Task.Status);
    }

    [Fact]
    public async Task AFailedTask_IsAnErrorCarryingTheApiCodeAndMessage()
    {
        var api = new ScriptedApi().Fails("tk-f", onGet: 2, "generation_failed", "content policy");
        var time = new ManualTimeProvider(Start);
        var handler = new FakeHttpHandler((request, _) => api.Answer(request));
        await using var waiter = new TaskWaiter(TestClients.Create(handler), FiveSeconds, time);

        waiter.Add(Submitted("tk-f", Start));
        await AdvanceUntilRequests(time, TimeSpan.FromSeconds(5), handler, 1, waiter);
        await AdvanceUntilRequests(time, TimeSpan.FromSeconds(5), handler, 2, waiter);
        var failed = await Eventually.WithinAsync(waiter.ReadAsync(CancellationToken.None));

        Assert.Equal(WaitEventKind.Failed, failed!.Kind);
        Assert.Equal(HiApiErrorKind.TaskFailed, failed.Error!.Kind);
        Assert.Equal("generation_failed", failed.Error.ErrorCode);
        Assert.Equal("tk-f", failed.Error.TaskId);
        Assert.Same(failed.Task, failed.Error.Task);
        Assert.Equal("Task tk-f failed: generation_failed: content policy.", failed.Error.Message);
    }

    [Fact]
    public async Task ATimeout_NamesTheTaskAndItsLastStatus()
    {
        var api = new ScriptedApi().Succeeds("tk-slow", onGet: 100);
        var time = new ManualTimeProvider(Start);
        var handler = new FakeHttpHandler((request, _) => api.Answer(request));
        var options = new WaitOptions { PollInterval = TimeSpan.FromSeconds(5), Timeout = TimeSpan.FromSeconds(12) };
        await using var waiter = new TaskWaiter(TestClients.Create(handler), options, time);

        waiter.Add(Submitted("tk-slow", Start));
        await AdvanceUntilRequests(time, TimeSpan.FromSeconds(5), handler, 1, waiter);
        await AdvanceUntilRequests(time, TimeSpan.FromSeconds(5), handler, 2, waiter);
        Assert.False(waiter.TryRead(out _));
        time.Advance(TimeSpan.FromSeconds(2));
        var timedOut = await Eventually.WithinAsync(waiter.ReadAsync(CancellationToken.None));

        Assert.Equal(WaitEventKind.TimedOut, timedOut!.Kind);
        Assert.Equal(HiApiErrorKind.Timeout, timedOut.Error!.Kind);
        Assert.Equal("tk-slow", timedOut.Error.TaskId);
        Assert.Contains("tk-slow is still handling after waiting 12 s", timedOut.Error.Message);
        Assert.Equal(HiApiTaskStatus.Handling, timedOut.Task.Status);
        Assert.Equal(2, handler.Count);
    }

    [Fact]
    public async Task ANotFoundTask_IsErrored_WithoutRetries()
    {
        var time = new ManualTimeProvider(Start);
        var handler = new FakeHttpHandler((_, _) => FakeHttpHandler.Json(404, ApiJson.NotFound));
        await using var waiter = new TaskWaiter(TestClients.Create(handler), FiveSeconds, time);

        waiter.Add(HiApiTask.FromId("tk-missing"));
        var errored = await Eventually.WithinAsync(waiter.ReadAsync(CancellationToken.None));

        Assert.Equal(WaitEventKind.Errored, errored!.Kind);
        Assert.Equal(HiApiErrorKind.NotFound, errored.Error!.Kind);
        Assert.Equal("tk-missing", errored.Task.TaskId);
        Assert.Equal(1, handler.Count);
    }

    [Fact]
    public async Task FinishedTasks_AreReportedWithoutARequest()
    {
        var handler = new FakeHttpHandler((_, _) => throw new InvalidOperationException("no request expected"));
        await using var waiter = new TaskWaiter(TestClients.Create(handler), FiveSeconds, new ManualTimeProvider(Start));

        waiter.Add(new HiApiTask("tk-ok")
        {
            Status = HiApiTaskStatus.Success,
            Outputs = new[] { new TaskOutput("video", "https://temp.example/ok.mp4", null) },
        });
        waiter.Add(new HiApiTask("tk-bad") { Status = HiApiTaskStatus.Fail, Error = new TaskError("generation_failed", "x") });
        waiter.CompleteAdding();

        var events = new List<WaitEvent>();
        while (await Eventually.WithinAsync(waiter.ReadAsync(CancellationToken.None)) is { } next)
        {
            events.Add(next);
        }

        Assert.Equal(new[] { WaitEventKind.Succeeded, WaitEventKind.Failed }, events.Select(e => e.Kind));
        Assert.Equal("generation_failed", events[1].Error!.ErrorCode);
        Assert.Equal(0, handler.Count);
    }

    [Fact]
    public async Task Notify_ReportsATerminalStateWithoutPolling()
    {
        var handler = new FakeHttpHandler((_, _) => throw new InvalidOperationException("no request expected"));
        await using var waiter = new TaskWaiter(TestClients.Create(handler), FiveSeconds, new ManualTimeProvider(Start));
        waiter.Add(Submitted("tk-cb", Start));

        waiter.Notify(new HiApiTask("tk-other") { Status = HiApiTaskStatus.Success });
        waiter.Notify(new HiApiTask("tk-cb") { Status = HiApiTaskStatus.Handling });
        Assert.Equal(1, waiter.GetProgress().CountsByStatus[HiApiTaskStatus.Handling]);
        waiter.Notify(new HiApiTask("tk-cb")
        {
            Status = HiApiTaskStatus.Success,
            Outputs = new[] { new TaskOutput("video", "https://temp.example/cb.mp4", null) },
        });
        waiter.Notify(new HiApiTask("tk-cb") { Status = HiApiTaskStatus.Fail }); // a duplicate delivery changes nothing
        waiter.CompleteAdding();

        var done = await Eventually.WithinAsync(waiter.ReadAsync(CancellationToken.None));
        Assert.Equal(WaitEventKind.Succeeded, done!.Kind);
        Assert.Equal("prompt of tk-cb", done.Task.Prompt);
        Assert.Null(await Eventually.WithinAsync(waiter.ReadAsync(CancellationToken.None)));
        Assert.Equal(0, handler.Count);
    }

    [Fact]
    public async Task Progress_CountsTasksByStatus()
    {
        var api = new ScriptedApi().Succeeds("tk-1", onGet: 1).Succeeds("tk-2", onGet: 3).Succeeds("tk-3", onGet: 3);
        var time = new ManualTimeProvider(Start);
        var handler = new FakeHttpHandler((request, _) => api.Answer(request));
        await using var waiter = new TaskWaiter(TestClients.Create(handler), FiveSeconds, time);
        waiter.Add(Submitted("tk-1", Start));
        waiter.Add(Submitted("tk-2", Start));
        waiter.Add(Submitted("tk-3", Start));

        var initial = waiter.GetProgress();
        Assert.Equal((3, 0), (initial.Total, initial.Finished));
        Assert.Equal(3, initial.CountsByStatus[HiApiTaskStatus.Queued]);

        await AdvanceUntilRequests(time, TimeSpan.FromSeconds(5), handler, 3, waiter);
        await Eventually.TrueAsync(() => waiter.GetProgress().Finished == 1, "the first task finished");
        var later = waiter.GetProgress();

        Assert.Equal(1, later.CountsByStatus[HiApiTaskStatus.Success]);
        Assert.Equal(2, later.CountsByStatus[HiApiTaskStatus.Queued]);
        Assert.False(later.CountsByStatus.ContainsKey(HiApiTaskStatus.Handling));
    }

    [Fact]
    public async Task CompleteAdding_WithNothingTracked_EndsAtOnce()
    {
        await using var waiter = new TaskWaiter(TestClients.Create(new FakeHttpHandler((_, _) => FakeHttpHandler.Json(500, ""))), FiveSeconds);

        waiter.CompleteAdding();

        Assert.Null(await Eventually.WithinAsync(waiter.ReadAsync(CancellationToken.None)));
        Assert.Throws<InvalidOperationException>(() => waiter.Add(HiApiTask.FromId("tk-late")));
    }

    [Fact]
    public async Task ADuplicateId_IsTrackedOnce()
    {
        var api = new ScriptedApi().Succeeds("tk-1", onGet: 1);
        var handler = new FakeHttpHandler((request, _) => api.Answer(request));
        await using var waiter = new TaskWaiter(TestClients.Create(handler), FiveSeconds, new ManualTimeProvider(Start));

        waiter.Add(HiApiTask.FromId("tk-1"));
        waiter.Add(HiApiTask.FromId("tk-1"));
        waiter.CompleteAdding();

        Assert.NotNull(await Eventually.WithinAsync(waiter.ReadAsync(CancellationToken.None)));
        Assert.Null(await Eventually.WithinAsync(waiter.ReadAsync(CancellationToken.None)));
        Assert.Equal(1, waiter.GetProgress().Total);
    }

    [Fact]
    public async Task AnUnknownStatus_KeepsBeingPolled()
    {
        var handler = new FakeHttpHandler((_, index) => index < 2
            ? FakeHttpHandler.Json(200, ApiJson.Task("tk-1", "upscaling"))
            : FakeHttpHandler.Json(200, ApiJson.Success("tk-1", "https://temp.example/1.mp4", 1783131245)));
        var time = new ManualTimeProvider(Start);
        await using var waiter = new TaskWaiter(TestClients.Create(handler), FiveSeconds, time);

        waiter.Add(HiApiTask.FromId("tk-1"));
        await Eventually.TrueAsync(() => handler.Count == 1, "the first poll (at once for a task known only by id)");
        await Eventually.TrueAsync(() => waiter.PollsInFlight == 0, "the first poll result was applied");
        await AdvanceUntilRequests(time, TimeSpan.FromSeconds(5), handler, 2, waiter);
        Assert.Equal(1, waiter.GetProgress().CountsByStatus[HiApiTaskStatus.Unknown]);
        await AdvanceUntilRequests(time, TimeSpan.FromSeconds(5), handler, 3, waiter);

        Assert.Equal(WaitEventKind.Succeeded, (await Eventually.WithinAsync(waiter.ReadAsync(CancellationToken.None)))!.Kind);
    }

    [Fact]
    public async Task TransientErrors_AreRetriedInsideAPoll()
    {
        var handler = new FakeHttpHandler((_, index) => index == 0
            ? FakeHttpHandler.Json(503, ApiJson.Unavailable)
            : FakeHttpHandler.Json(200, ApiJson.Success("tk-1", "https://temp.example/1.mp4", 1783131245)));
        await using var waiter = new TaskWaiter(TestClients.Create(handler), FiveSeconds, new ManualTimeProvider(Start));

        waiter.Add(HiApiTask.FromId("tk-1"));

        Assert.Equal(WaitEventKind.Succeeded, (await Eventually.WithinAsync(waiter.ReadAsync(CancellationToken.None)))!.Kind);
        Assert.Equal(2, handler.Count);
    }

    [Fact]
    public async Task NeverMoreThanMaxConcurrentPollsInFlight()
    {
        var handler = new FakeHttpHandler(async (request, _, ct) =>
        {
            await Task.Delay(5, ct);
            var id = request.Uri.AbsolutePath["/v1/tasks/".Length..];
            return FakeHttpHandler.Json(200, ApiJson.Success(id, $"https://temp.example/{id}.mp4", 1783131245));
        });
        var options = new WaitOptions { PollInterval = TimeSpan.FromMilliseconds(10), MaxConcurrentPolls = 3 };
        await using var waiter = new TaskWaiter(TestClients.Create(handler), options);

        for (var i = 0; i < 40; i++)
        {
            waiter.Add(HiApiTask.FromId($"tk-{i}"));
        }

        waiter.CompleteAdding();
        var ids = new HashSet<string>();
        while (await Eventually.WithinAsync(waiter.ReadAsync(CancellationToken.None)) is { } next)
        {
            Assert.Equal(WaitEventKind.Succeeded, next.Kind);
            ids.Add(next.Task.TaskId);
        }

        Assert.Equal(40, ids.Count);
        Assert.Equal(40, handler.Count);
        Assert.InRange(handler.MaxInFlight, 1, 3);
    }

    [Fact]
    public async Task Cancellation_StopsTheWaitAtOnce_AndDisposeStopsThePolls()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new FakeHttpHandler(async (_, _, ct) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        });
        var waiter = new TaskWaiter(TestClients.Create(handler), FiveSeconds);
        waiter.Add(HiApiTask.FromId("tk-1"));
        await started.Task.WaitAsync(TimeSpan.FromSeconds(20));
        using var cts = new CancellationTokenSource();

        var reading = waiter.ReadAsync(cts.Token).AsTask();
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading.WaitAsync(TimeSpan.FromSeconds(10)));
        await waiter.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, handler.Count);
        Assert.Null(await waiter.ReadAsync(CancellationToken.None));
    }
}
