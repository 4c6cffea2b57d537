namespace HiApi.Client.Tests;

/// <summary>
/// The shared gate: a 429 pauses every request of the host and halves how many may be in flight; successes raise
/// it again. That is what makes a batch back off together instead of each request hammering on its own.
/// </summary>
public sealed class ApiRequestGateTests
{
    [Fact]
    public async Task A_429_pauses_every_request_until_Retry_After_has_passed()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UnixEpoch);
        var gate = new ApiRequestGate(8, clock);
        gate.OnRateLimited(TimeSpan.FromSeconds(2));

        var waiting = gate.EnterAsync(CancellationToken.None).AsTask();
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);

        clock.Advance(TimeSpan.FromSeconds(2));
        using var slot = await waiting.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_burst_of_429s_halves_the_limit_once_and_successes_raise_it_again()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UnixEpoch);
        var gate = new ApiRequestGate(16, clock);

        gate.OnRateLimited(TimeSpan.FromSeconds(1));
        gate.OnRateLimited(TimeSpan.FromSeconds(1));
        gate.OnRateLimited(TimeSpan.FromSeconds(1));
        Assert.Equal(8, gate.CurrentLimit);

        clock.Advance(TimeSpan.FromSeconds(1));
        gate.OnRateLimited(TimeSpan.FromSeconds(1));
        Assert.Equal(4, gate.CurrentLimit);

        for (var i = 0; i < 40; i++)
        {
            gate.OnSuccess();
        }

        Assert.InRange(gate.CurrentLimit, 7, 16);
        Assert.Equal(4, gate.RateLimitedCount);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task After_a_429_the_starts_are_paced_at_the_rate_the_api_took()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UnixEpoch);
        var gate = new ApiRequestGate(64, clock);
        for (var i = 0; i < 20; i++)
        {
            (await gate.EnterAsync(CancellationToken.None)).Dispose();
            if (i < 10)
            {
                gate.OnSuccess();
            }
        }

        gate.OnRateLimited(TimeSpan.FromSeconds(1));
        Assert.Equal(10, gate.CurrentRate);

        clock.Advance(TimeSpan.FromSeconds(1));
        using (await gate.EnterAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5)))
        {
        }

        // The next start is due 100 ms after the last one, not at once.
        var next = gate.EnterAsync(CancellationToken.None).AsTask();
        await Task.Delay(50);
        Assert.False(next.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(100));
        using var admitted = await next.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Successes_raise_the_pace_until_pacing_ends()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UnixEpoch);
        var gate = new ApiRequestGate(64, clock);
        gate.OnRateLimited(null);
        Assert.Equal(0.5, gate.CurrentRate); // nothing taken, one start tried: half of it

        for (var i = 0; i < 20; i++)
        {
            gate.OnSuccess();
        }

        Assert.InRange(gate.CurrentRate!.Value, 5, 8);
        for (var i = 0; i < 600_000 && gate.CurrentRate is not null; i++)
        {
            gate.OnSuccess();
        }

        Assert.Null(gate.CurrentRate);
    }

    [Fact]
    public async Task A_quiet_spell_after_a_429_restores_full_speed()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UnixEpoch);
        var gate = new ApiRequestGate(16, clock);
        gate.OnRateLimited(TimeSpan.FromSeconds(1));
        Assert.Equal(8, gate.CurrentLimit);
        Assert.NotNull(gate.CurrentRate);

        clock.Advance(ApiRequestGate.QuietReset + TimeSpan.FromSeconds(1));
        using (await gate.EnterAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5)))
        {
        }

        Assert.Equal(16, gate.CurrentLimit);
        Assert.Null(gate.CurrentRate);
    }

    [Fact]
    public async Task No_more_than_the_limit_are_in_flight_and_a_released_slot_lets_the_next_in()
    {
        var gate = new ApiRequestGate(2);
        var first = await gate.EnterAsync(CancellationToken.None);
        var second = await gate.EnterAsync(CancellationToken.None);

        var third = gate.EnterAsync(CancellationToken.None).AsTask();
        await Task.Delay(50);
        Assert.False(third.IsCompleted);

        first.Dispose();
        using var admitted = await third.WaitAsync(TimeSpan.FromSeconds(5));
        second.Dispose();
    }

    [Fact]
    public async Task A_slot_disposed_twice_frees_one_place_not_two()
    {
        // The client's retry loop releases its slot before sleeping, and again as the attempt's scope ends.
        var gate = new ApiRequestGate(1);
        var retried = await gate.EnterAsync(CancellationToken.None);
        retried.Dispose();
        retried.Dispose();

        var first = await gate.EnterAsync(CancellationToken.None);
        var second = gate.EnterAsync(CancellationToken.None).AsTask();
        await Task.Delay(50);
        Assert.False(second.IsCompleted);

        first.Dispose();
        using var admitted = await second.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_pause_that_ends_between_two_looks_at_the_clock_still_lets_the_waiter_in()
    {
        // Each look at this clock moves it on by 1 ms, so a 3 ms pause is still in force when the gate checks whether the
        // waiter may enter, and over when it computes how long to sleep: a wait of zero once meant "no timer", forever.
        var clock = new SteppingTimeProvider(TimeSpan.FromMilliseconds(1));
        var gate = new ApiRequestGate(8, clock);
        gate.OnRateLimited(TimeSpan.FromMilliseconds(3));

        using var slot = await gate.EnterAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Waiters_held_only_by_a_full_house_are_not_woken_every_millisecond()
    {
        // Only a release lets them in; the timer is a safety net of about a second, not a busy loop.
        var clock = new CountingTimeProvider();
        var gate = new ApiRequestGate(1, clock);
        var held = await gate.EnterAsync(CancellationToken.None);
        var waiting = gate.EnterAsync(CancellationToken.None).AsTask();

        await Task.Delay(300);
        Assert.False(waiting.IsCompleted);
        Assert.InRange(clock.TimerChanges, 1, 5);

        held.Dispose();
        using var admitted = await waiting.WaitAsync(TimeSpan.FromSeconds(5));
    }

    private sealed class CountingTimeProvider : TimeProvider
    {
        private int _changes;

        public int TimerChanges => Volatile.Read(ref _changes);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
            => new CountingTimer(base.CreateTimer(callback, state, dueTime, period), this);

        private sealed class CountingTimer(ITimer inner, CountingTimeProvider owner) : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                Interlocked.Increment(ref owner._changes);
                return inner.Change(dueTime, period);
            }

            public void Dispose() => inner.Dispose();

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }

    private sealed class SteppingTimeProvider(TimeSpan step) : TimeProvider
    {
        private long _ticks = DateTimeOffset.UnixEpoch.UtcTicks;

        public override DateTimeOffset GetUtcNow() => new(Interlocked.Add(ref _ticks, step.Ticks), TimeSpan.Zero);
    }

    [Fact]
    public async Task A_cancelled_waiter_leaves_the_queue_and_takes_no_slot()
    {
        var gate = new ApiRequestGate(1);
        var held = await gate.EnterAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var waiting = gate.EnterAsync(cancel.Token).AsTask();
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);

        held.Dispose();
        using var next = await gate.EnterAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Clients_of_one_host_share_a_gate_so_their_requests_back_off_together()
    {
        var gate = new ApiRequestGate(8);
        var rateLimited = 0;
        var handler = new FakeHttpHandler((_, _) =>
            Interlocked.Increment(ref rateLimited) == 1
                ? Limited()
                : FakeHttpHandler.Json(200, ApiJson.Task("tk-1", "queued")));
        var first = TestClients.Create(handler, gate: gate);
        var second = TestClients.Create(handler, gate: gate);

        await first.GetTaskAsync("tk-1");
        Assert.Equal(1, gate.RateLimitedCount);
        Assert.Equal(4, gate.CurrentLimit);

        await second.GetTaskAsync("tk-1");
        Assert.Equal(1, gate.RateLimitedCount);
    }

    private static HttpResponseMessage Limited()
    {
        var response = FakeHttpHandler.Json(429, ApiJson.RateLimited);
        response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromMilliseconds(100));
        return response;
    }
}
