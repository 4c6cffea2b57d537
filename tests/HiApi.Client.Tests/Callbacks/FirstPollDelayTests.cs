namespace HiApi.Client.Tests;

/// <summary><see cref="WaitOptions.FirstPollDelay"/>, the sweeper's schedule: the first poll waits, measured from submission.</summary>
public sealed class FirstPollDelayTests
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly WaitOptions SweepSchedule = new()
    {
        FirstPollDelay = TimeSpan.FromMinutes(10),
        PollInterval = TimeSpan.FromMinutes(1),
        Timeout = TimeSpan.FromHours(2),
    };

    private static FakeHttpHandler AlwaysHandling() =>
        new((request, _) => FakeHttpHandler.Json(200, ApiJson.Task(request.Uri.Segments[^1], "handling")));

    private static HiApiTask Submitted(string id, DateTimeOffset at) => new(id) { Status = HiApiTaskStatus.Queued, SubmittedAt = at };

    [Fact]
    public async Task FirstPoll_ComesFirstPollDelayAfterSubmission_ThenEveryPollInterval()
    {
        var handler = AlwaysHandling();
        var time = new ManualTimeProvider(Start);
        await using var waiter = new TaskWaiter(TestClients.Create(handler), SweepSchedule, time);

        waiter.Add(Submitted("tk-1", Start));
        time.Advance(TimeSpan.FromMinutes(9.9));
        await Task.Delay(100);
        Assert.Equal(0, handler.Count);

        time.Advance(TimeSpan.FromMinutes(0.1));
        await Eventually.TrueAsync(() => handler.Count == 1, "the first sweep was sent");
        await Eventually.TrueAsync(() => waiter.PollsInFlight == 0, "its result was applied");
        time.Advance(TimeSpan.FromMinutes(1));
        await Eventually.TrueAsync(() => handler.Count == 2, "the second sweep came one interval later");
    }

    [Fact]
    public async Task ATaskSubmittedLongAgo_IsPolledAtOnce()
    {
        var handler = AlwaysHandling();
        var time = new ManualTimeProvider(Start);
        await using var waiter = new TaskWaiter(TestClients.Create(handler), SweepSchedule, time);

        waiter.Add(Submitted("tk-old", Start - TimeSpan.FromMinutes(30)));

        await Eventually.TrueAsync(() => handler.Count == 1, "the overdue task was polled without the clock moving");
    }

    [Fact]
    public async Task ATaskKnownOnlyById_WaitsTheDelayFromWhenItWasAdded()
    {
        var handler = AlwaysHandling();
        var time = new ManualTimeProvider(Start);
        await using var waiter = new TaskWaiter(TestClients.Create(handler), SweepSchedule, time);

        waiter.Add(HiApiTask.FromId("tk-by-id"));
        await Task.Delay(100);
        Assert.Equal(0, handler.Count);

        time.Advance(TimeSpan.FromMinutes(10));
        await Eventually.TrueAsync(() => handler.Count == 1, "the task was polled after the delay");
    }

    [Fact]
    public void NegativeDelay_IsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new WaitOptions { FirstPollDelay = TimeSpan.FromSeconds(-1) });
}
