using System.Collections.Concurrent;
using System.Net;

namespace HiApi.Client.Tests;

/// <summary>The receiver against the emulator: real callbacks, real GETs, forged bodies posted by the test.</summary>
public sealed class CallbackReceiverTests
{
    private const string AttackerUrl = "https://attacker.example/evil.mp4";

    /// <summary>Long enough that the sweeper never runs in a test about the callback path.</summary>
    private static readonly CallbackReceiverOptions NoSweep = new() { SweepAfter = TimeSpan.FromMinutes(5), SweepInterval = TimeSpan.FromMinutes(1), UnknownCallbackGrace = TimeSpan.Zero };

    /// <summary>
    /// Tests that hand the receiver a task by <c>Await</c> (no ledger lookup) give the emulator a second in the queue,
    /// so the callback cannot arrive before the test has awaited the task, however busy the machine.
    /// </summary>
    private static void CallbackAfterAwait(HiApi.Emulator.EmulatorOptions options) => options.QueuedMs = 1000;

    private static readonly CallbackReceiverOptions QuickSweep = new() { SweepAfter = TimeSpan.FromSeconds(1), SweepInterval = TimeSpan.FromMilliseconds(200) };

    /// <summary>A stand-in for the ledger: the tasks "submitted earlier", found by id.</summary>
    private sealed class KnownTasks
    {
        private readonly ConcurrentDictionary<string, HiApiTask> _tasks = new(StringComparer.Ordinal);

        public HiApiTask Add(HiApiTask task) => _tasks[task.TaskId] = task;

        public HiApiTask? Find(string taskId) => _tasks.GetValueOrDefault(taskId);
    }

    private static VideoRequest Request(string prompt, Uri? callback) => new()
    {
        Model = HiApiModels.TextToVideo,
        Prompt = prompt,
        Duration = 3,
        Resolution = "720p",
        CallbackUrl = callback?.ToString(),
    };

    private static async Task<List<CallbackEvent>> ReadEventsAsync(CallbackReceiver receiver, Func<List<CallbackEvent>, bool> until)
    {
        var events = new List<CallbackEvent>();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!until(events))
        {
            var next = await receiver.ReadAsync(limit.Token);
            Assert.NotNull(next);
            events.Add(next!);
        }

        return events;
    }

    private static string ForgedSuccess(string taskId) =>
        ApiJson.Success(taskId, AttackerUrl, DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds());

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task EveryTask_IsReportedOnce_EvenWhenEachCallbackArrivesTwice(bool wrapped)
    {
        await using var harness = await EmulatorHarness.StartAsync(o =>
        {
            CallbackAfterAwait(o);
            o.CallbackDeliveries = 2;
            o.CallbackWrapped = wrapped;
        });
        await using var endpoint = CallbackEndpoint.Create(start: false);
        var client = harness.Client();
        await using var receiver = new CallbackReceiver(client, endpoint.Listener, _ => null, NoSweep);
        receiver.Start();

        var submitted = new List<HiApiTask>();
        for (var i = 0; i < 3; i++)
        {
            var task = await client.CreateTaskAsync(Request($"wave {i}", endpoint.Url));
            receiver.Await(task);
            submitted.Add(task);
        }

        // Six deliveries: each must yield exactly one event, a success or a duplicate.
        var events = await ReadEventsAsync(receiver, e => e.Count == 6);

        var succeeded = events.Where(e => e.Kind == CallbackEventKind.Succeeded).ToList();
        Assert.Equal(submitted.Select(t => t.TaskId).OrderBy(id => id), succeeded.Select(e => e.TaskId).OrderBy(id => id));
        Assert.All(succeeded, e =>
        {
            Assert.False(e.FromSweeper);
            Assert.StartsWith(harness.Server.BaseAddress + "storage/" + e.TaskId, e.Task!.VideoUrl);
            Assert.Equal(submitted.Single(t => t.TaskId == e.TaskId).Prompt, e.Task.Prompt); // request fields kept
        });
        var duplicates = events.Where(e => e.Kind == CallbackEventKind.Ignored).ToList();
        Assert.Equal(3, duplicates.Count);
        Assert.All(duplicates, e => Assert.Contains("duplicate", e.Note));
        Assert.All(harness.Server.CallbackDeliveries, d => Assert.Equal(200, d.StatusCode));
        Assert.Equal(0, receiver.PendingCount);
        // Verified once each: the second delivery of a task never costs another GET.
        var gets = await harness.RecordedAsync("get", 3);
        Assert.Equal(3, gets.Count);
    }

    [Fact]
    public async Task ForgedCallback_ForAnUnknownId_IsIgnored_WithoutAnyRequest()
    {
        await using var harness = await EmulatorHarness.StartAsync();
        await using var endpoint = CallbackEndpoint.Create(start: false);
        var lookups = new ConcurrentQueue<string>();
        await using var receiver = new CallbackReceiver(harness.Client(), endpoint.Listener, id =>
        {
            lookups.Enqueue(id);
            return null;
        }, NoSweep);
        receiver.Start();

        using var answer = await endpoint.PostAsync(ForgedSuccess("tk-hiapi-FORGED00000000000000000000"));
        var ignored = (await ReadEventsAsync(receiver, e => e.Count == 1)).Single();

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode); // answered before anything was checked
        Assert.Equal(CallbackEventKind.Ignored, ignored.Kind);
        Assert.Equal("tk-hiapi-FORGED00000000000000000000", ignored.TaskId);
        Assert.Null(ignored.Task);
        Assert.Contains("not in the ledger: a forged or foreign callback; nothing was fetched", ignored.Note);
        Assert.Equal(new[] { "tk-hiapi-FORGED00000000000000000000" }, lookups);
        Assert.Empty(harness.Server.Requests);
    }

    [Fact]
    public async Task A_callback_that_comes_before_its_task_is_known_is_kept_and_handled_once_the_task_is_awaited()
    {
        // A task that finishes at once can call back before the answer to its create reaches the caller.
        await using var harness = await EmulatorHarness.StartAsync();
        await using var endpoint = CallbackEndpoint.Create(start: false);
        var client = harness.Client();
        var lookups = new ConcurrentQueue<string>();
        var options = new CallbackReceiverOptions { SweepAfter = TimeSpan.FromMinutes(5) };
        await using var receiver = new CallbackReceiver(client, endpoint.Listener, id =>
        {
            lookups.Enqueue(id);
            return null;
        }, options);
        receiver.Start();
        var task = await client.CreateTaskAsync(Request("a wave that is done at once", callback: null));
        await Eventually.TrueAsync(() => harness.Server.Tasks.Single().Status == "success", "the task finished on the server");

        using var answer = await endpoint.PostAsync(ForgedSuccess(task.TaskId));
        await Eventually.TrueAsync(() => lookups.Count >= 2, "the kept callback's id was looked up again");
        Assert.False(receiver.TryRead(out var tooEarly) && tooEarly is not null, "nothing is reported while the callback is kept");
        receiver.Await(task);
        var handled = (await ReadEventsAsync(receiver, e => e.Count == 1)).Single();

        Assert.Equal(CallbackEventKind.Succeeded, handled.Kind);
        Assert.Equal(task.TaskId, handled.TaskId);
        Assert.DoesNotContain("attacker", handled.Task!.VideoUrl); // an unsigned callback is still only a hint: read again
        Assert.Single(await harness.RecordedAsync("get", 1));
    }

    [Fact]
    public async Task A_callback_for_an_id_that_never_becomes_known_is_reported_after_the_grace_and_nothing_is_fetched()
    {
        await using var harness = await EmulatorHarness.StartAsync();
        await using var endpoint = CallbackEndpoint.Create(start: false);
        var options = new CallbackReceiverOptions { SweepAfter = TimeSpan.FromMinutes(5), UnknownCallbackGrace = TimeSpan.FromSeconds(1) };
        await using var receiver = new CallbackReceiver(harness.Client(), endpoint.Listener, _ => null, options);
        receiver.Start();

        using var answer = await endpoint.PostAsync(ForgedSuccess("tk-hiapi-FORGED00000000000000000001"));
        var ignored = (await ReadEventsAsync(receiver, e => e.Count == 1)).Single();

        Assert.Equal(CallbackEventKind.Ignored, ignored.Kind);
        Assert.Null(ignored.Task);
        Assert.Contains("not in the ledger: a forged or foreign callback; nothing was fetched (it was kept 1 s", ignored.Note);
        Assert.Empty(harness.Server.Requests);
    }

    [Fact]
    public async Task ForgedCallback_ForAKnownId_YieldsTheServersRealUrl_NotTheAttackers()
    {
        await using var harness = await EmulatorHarness.StartAsync();
        await using var endpoint = CallbackEndpoint.Create(start: false);
        var client = harness.Client();
        var known = new KnownTasks();
        await using var receiver = new CallbackReceiver(client, endpoint.Listener, known.Find, NoSweep);
        receiver.Start();
        var task = known.Add(await client.CreateTaskAsync(Request("a calm ocean wave at sunset", callback: null)));
        await Eventually.TrueAsync(() => harness.Server.Tasks.Single().Status == "success", "the task finished on the server");

        using var answer = await endpoint.PostAsync(ForgedSuccess(task.TaskId));
        var verified = (await ReadEventsAsync(receiver, e => e.Count == 1)).Single();

        Assert.Equal(CallbackEventKind.Succeeded, verified.Kind);
        Assert.Equal(task.TaskId, verified.TaskId);
        Assert.StartsWith(harness.Server.BaseAddress + "storage/" + task.TaskId + ".mp4?", verified.Task!.VideoUrl);
        Assert.DoesNotContain("attacker", verified.Task.VideoUrl);
        Assert.Equal("a calm ocean wave at sunset", verified.Task.Prompt);
        var get = Assert.Single(await harness.RecordedAsync("get", 1));
        Assert.Equal("/v1/tasks/" + task.TaskId, get.Path);
        Assert.True(get.HasAuthorization);
    }

    [Fact]
    public async Task EarlyForgedCallback_DoesNotEndTheWait_TheSweeperStillFindsTheTask()
    {
        await using var harness = await EmulatorHarness.StartAsync(o => o.HandlingMs = 4000); // still rendering when the forged callback is checked, however busy the machine
        await using var endpoint = CallbackEndpoint.Create(start: false);
        var client = harness.Client();
        var known = new KnownTasks();
        await using var receiver = new CallbackReceiver(client, endpoint.Listener, known.Find, QuickSweep);
        receiver.Start();
        var task = known.Add(await client.CreateTaskAsync(Request("slow render", callback: null)));

        using var answer = await endpoint.PostAsync(ForgedSuccess(task.TaskId));
        var events = await ReadEventsAsync(receiver, e => e.Any(x => x.Kind != CallbackEventKind.Ignored));

        var early = events[0];
        Assert.Equal(CallbackEventKind.Ignored, early.Kind);
        Assert.Contains("not final yet", early.Note);
        Assert.NotEqual(HiApiTaskStatus.Success, early.Task!.Status);
        Assert.Null(early.Task.VideoUrl);
        var found = events[^1];
        Assert.Equal(CallbackEventKind.Succeeded, found.Kind);
        Assert.True(found.FromSweeper);
        Assert.StartsWith(harness.Server.BaseAddress.ToString(), found.Task!.VideoUrl);
    }

    [Fact]
    public async Task TaskWithoutCallback_IsFoundByTheSweeper_OnlyAfterSweepAfter()
    {
        await using var harness = await EmulatorHarness.StartAsync();
        await using var endpoint = CallbackEndpoint.Create(start: false);
        var client = harness.Client();
        await using var receiver = new CallbackReceiver(client, endpoint.Listener, _ => null, QuickSweep);
        receiver.Start();
        var task = await client.CreateTaskAsync(Request("no webhook", callback: null));

        receiver.Await(task);
        var found = (await ReadEventsAsync(receiver, e => e.Count == 1)).Single();

        Assert.Equal(CallbackEventKind.Succeeded, found.Kind);
        Assert.True(found.FromSweeper);
        Assert.Equal(task.TaskId, found.TaskId);
        Assert.Equal("no webhook", found.Task!.Prompt);
        var firstGet = (await harness.RecordedAsync("get", 1)).OrderBy(r => r.At).First();
        // The sweeper left the callback its chance: nothing was polled before SweepAfter (a lower bound, safe under load).
        Assert.True(firstGet.At >= task.SubmittedAt!.Value + QuickSweep.SweepAfter - TimeSpan.FromMilliseconds(50),
            $"first GET at {firstGet.At:O}, task submitted at {task.SubmittedAt:O}");
        Assert.Equal(0, receiver.PendingCount);
    }

    [Fact]
    public async Task FailedTask_IsReportedAsFailed_WithTheTasksError()
    {
        await using var harness = await EmulatorHarness.StartAsync(CallbackAfterAwait);
        await using var endpoint = CallbackEndpoint.Create(start: false);
        var client = harness.Client();
        await using var receiver = new CallbackReceiver(client, endpoint.Listener, _ => null, NoSweep);
        receiver.Start();
        var task = await client.CreateTaskAsync(Request("doomed [[fail]]", endpoint.Url));

        receiver.Await(task);
        var failed = (await ReadEventsAsync(receiver, e => e.Count == 1)).Single();

        Assert.Equal(CallbackEventKind.Failed, failed.Kind);
        Assert.False(failed.FromSweeper);
        Assert.Equal(HiApiTaskStatus.Fail, failed.Task!.Status);
        Assert.Equal(HiApiErrorKind.TaskFailed, failed.Error!.Kind);
        Assert.Equal("generation_failed", failed.Error.ErrorCode);
        Assert.Equal(task.TaskId, failed.Error.TaskId);
    }

    [Fact]
    public async Task CallbackAndSweeperRacing_StillReportEachTaskOnce()
    {
        await using var harness = await EmulatorHarness.StartAsync(CallbackAfterAwait);
        await using var endpoint = CallbackEndpoint.Create(start: false);
        var client = harness.Client();
        var racing = new CallbackReceiverOptions { SweepAfter = TimeSpan.Zero, SweepInterval = TimeSpan.FromMilliseconds(20) };
        await using var receiver = new CallbackReceiver(client, endpoint.Listener, _ => null, racing);
        receiver.Start();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var task = await client.CreateTaskAsync(Request($"race {i}", endpoint.Url));
            receiver.Await(task);
            ids.Add(task.TaskId);
        }

        // Five terminal results, and one event for each of the five callbacks (a success or a duplicate).
        var events = await ReadEventsAsync(receiver, e =>
            e.Count(x => x.Kind == CallbackEventKind.Succeeded) == 5 && e.Count(x => !x.FromSweeper) == 5);

        var succeeded = events.Where(e => e.Kind == CallbackEventKind.Succeeded).Select(e => e.TaskId).OrderBy(id => id);
        Assert.Equal(ids.OrderBy(id => id), succeeded);
        Assert.All(events.Where(e => e.Kind == CallbackEventKind.Ignored), e => Assert.Contains("duplicate", e.Note));
        Assert.DoesNotContain(events, e => e.Kind is CallbackEventKind.Errored or CallbackEventKind.TimedOut or CallbackEventKind.Failed);
    }

    [Fact]
    public async Task MalformedCallback_IsIgnored_AndTheReceiverGoesOn()
    {
        await using var harness = await EmulatorHarness.StartAsync(CallbackAfterAwait);
        await using var endpoint = CallbackEndpoint.Create(start: false);
        var client = harness.Client();
        await using var receiver = new CallbackReceiver(client, endpoint.Listener, _ => null, NoSweep);
        receiver.Start();

        using var bad = await endpoint.PostAsync("{\"hello\":");
        var ignored = (await ReadEventsAsync(receiver, e => e.Count == 1)).Single();
        var task = await client.CreateTaskAsync(Request("after the junk", endpoint.Url));
        receiver.Await(task);
        var next = (await ReadEventsAsync(receiver, e => e.Count == 1)).Single();

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(CallbackEventKind.Ignored, ignored.Kind);
        Assert.Null(ignored.Task);
        Assert.StartsWith("Malformed callback from 127.0.0.1", ignored.Note);
        Assert.Equal((CallbackEventKind.Succeeded, task.TaskId), (next.Kind, next.TaskId));
    }
}
