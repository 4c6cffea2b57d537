using System.Collections.Concurrent;

namespace HiApi.Client.Tests;

/// <summary>
/// What the wait reports while it runs (issue 19): every status change it sees, for the ledger, and estimates that are
/// measured, never a built-in guess.
/// </summary>
public sealed class TaskWaiterProgressTests
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly WaitOptions FiveSeconds = new() { PollInterval = TimeSpan.FromSeconds(5), Timeout = TimeSpan.FromSeconds(600) };

    /// <summary>tk-fast: queued, then success on its 2nd read. tk-slow: queued, handling from its 2nd read, success on its 4th.</summary>
    private static FakeHttpHandler Api(ConcurrentDictionary<string, int> reads) => new((request, _) =>
    {
        var id = Uri.UnescapeDataString(request.Uri.AbsolutePath["/v1/tasks/".Length..]);
        var count = reads.AddOrUpdate(id, 1, (_, n) => n + 1);
        var finalOn = id == "tk-fast" ? 2 : 4;
        return count >= finalOn
            ? FakeHttpHandler.Json(200, ApiJson.Success(id, $"https://temp.example/{id}.mp4", 1783131245))
            : FakeHttpHandler.Json(200, ApiJson.Task(id, count == 1 ? "queued" : "handling"));
    });

    private static HiApiTask Submitted(string id) => new(id)
    {
        Status = HiApiTaskStatus.Queued,
        Model = HiApiModels.TextToVideo,
        SubmittedAt = Start,
        Request = new VideoRequest { Prompt = $"prompt of {id}", Duration = 3 },
    };

    [Fact]
    public async Task No_time_remaining_is_shown_until_a_render_has_been_measured_here()
    {
        var reads = new ConcurrentDictionary<string, int>();
        var handler = Api(reads);
        var time = new ManualTimeProvider(Start);
        await using var waiter = new TaskWaiter(TestClients.Create(handler), FiveSeconds, time);
        waiter.Add(Submitted("tk-fast"));
        waiter.Add(Submitted("tk-slow"));
        waiter.CompleteAdding();

        time.Advance(TimeSpan.FromSeconds(5));
        await Eventually.TrueAsync(() => handler.Count >= 2 && waiter.PollsInFlight == 0, "both first reads were applied");
        var unmeasured = waiter.GetProgress();

        Assert.Null(unmeasured.SecondsRemaining);
        Assert.Null(unmeasured.TypicalRenderTime);
        Assert.Equal(0, unmeasured.PercentComplete);
        Assert.Equal(TimeSpan.FromSeconds(5), unmeasured.Elapsed);

        time.Advance(TimeSpan.FromSeconds(5));
        var fast = await Eventually.WithinAsync(waiter.ReadAsync(CancellationToken.None));
        Assert.Equal("tk-fast", fast!.Task.TaskId);
        await Eventually.TrueAsync(() => waiter.PollsInFlight == 0, "every read was applied");
        var measured = waiter.GetProgress();

        Assert.NotNull(measured.TypicalRenderTime);
        Assert.NotNull(measured.SecondsRemaining);
        Assert.InRange(measured.PercentComplete, 50, 99);
    }

    [Fact]
    public async Task A_task_that_arrives_finished_measures_nothing()
    {
        var time = new ManualTimeProvider(Start);
        await using var waiter = new TaskWaiter(TestClients.Create(Api(new())), FiveSeconds, time);
        waiter.Add(HiApiTaskFactory.Create(new HiApiTaskSpec { TaskId = "tk-done", SubmittedAt = Start.AddDays(-1) }));
        waiter.Add(Submitted("tk-slow"));

        Assert.Equal(WaitEventKind.Succeeded, (await Eventually.WithinAsync(waiter.ReadAsync(CancellationToken.None)))!.Kind);
        Assert.Null(waiter.GetProgress().SecondsRemaining);
        Assert.Null(waiter.GetProgress().TypicalRenderTime);
    }

    [Fact]
    public async Task Every_new_status_a_read_finds_is_reported_and_final_ones_come_as_events()
    {
        var changes = new ConcurrentQueue<(string TaskId, HiApiTaskStatus Status)>();
        var reads = new ConcurrentDictionary<string, int>();
        var handler = Api(reads);
        var time = new ManualTimeProvider(Start);
        var options = new WaitOptions
        {
            PollInterval = TimeSpan.FromSeconds(5),
            StatusChanged = task => changes.Enqueue((task.TaskId, task.Status)),
        };
        await using var waiter = new TaskWaiter(TestClients.Create(handler), options, time);
        waiter.Add(Submitted("tk-slow"));
        waiter.CompleteAdding();

        for (var read = 1; read <= 4; read++)
        {
            time.Advance(TimeSpan.FromSeconds(5));
            await Eventually.TrueAsync(() => reads.GetValueOrDefault("tk-slow") >= read && waiter.PollsInFlight == 0, $"read {read} was applied");
        }

        Assert.Equal(WaitEventKind.Succeeded, (await Eventually.WithinAsync(waiter.ReadAsync(CancellationToken.None)))!.Kind);
        // queued (as submitted: no change), handling (a change), handling (no change), success (an event, not a change).
        Assert.Equal([("tk-slow", HiApiTaskStatus.Handling)], changes.ToArray());
    }
}
