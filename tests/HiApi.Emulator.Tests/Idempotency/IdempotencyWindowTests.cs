using System.Net;
using HiApi.Emulator.Tests.Support;

namespace HiApi.Emulator.Tests.Idempotency;

/// <summary>A key binds its task for <c>IdempotencyWindowSeconds</c> on the emulator's clock, to the instant.</summary>
public sealed class IdempotencyWindowTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    [Fact]
    public async Task After_the_window_the_same_key_creates_a_new_task_and_binds_to_it()
    {
        var clock = new ManualClock(Start);
        var options = FastOptions.Create();
        options.IdempotencyWindowSeconds = 60;
        await using var server = await EmulatorServer.StartAsync(options, "http://127.0.0.1:0", clock);
        using var client = new EmulatorClient(server);

        var first = await client.CreateTextTaskAsync(idempotencyKey: "nightly");
        clock.AdvanceMs(59_999);
        var lastMoment = await client.CreateTextTaskAsync(idempotencyKey: "nightly");
        clock.AdvanceMs(1);
        var expired = await client.CreateTextTaskAsync(idempotencyKey: "nightly");
        var afterExpiry = await client.CreateTextTaskAsync(idempotencyKey: "nightly");

        Assert.Equal(first.TaskId, lastMoment.TaskId);
        Assert.True(lastMoment.IsIdempotentReplay);
        Assert.Equal(HttpStatusCode.OK, expired.Status);
        Assert.NotEqual(first.TaskId, expired.TaskId);
        Assert.False(expired.IsIdempotentReplay);
        Assert.Equal(expired.TaskId, afterExpiry.TaskId);
        Assert.Equal(2, server.Tasks.Count);
    }

    [Fact]
    public async Task The_default_window_is_a_day()
    {
        var clock = new ManualClock(Start);
        await using var server = await EmulatorServer.StartAsync(FastOptions.Create(), "http://127.0.0.1:0", clock);
        using var client = new EmulatorClient(server);

        var first = await client.CreateTextTaskAsync(idempotencyKey: "daily");
        clock.Advance(TimeSpan.FromHours(24) - TimeSpan.FromMilliseconds(1));
        var withinADay = await client.CreateTextTaskAsync(idempotencyKey: "daily");
        clock.AdvanceMs(1);
        var nextDay = await client.CreateTextTaskAsync(idempotencyKey: "daily");

        Assert.Equal(86400, server.Options.IdempotencyWindowSeconds);
        Assert.Equal(first.TaskId, withinADay.TaskId);
        Assert.NotEqual(first.TaskId, nextDay.TaskId);
    }
}
