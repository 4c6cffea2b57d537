using System.Net;
using HiApi.Emulator.Tests.Support;

namespace HiApi.Emulator.Tests.Lifecycle;

/// <summary>
/// The lifecycle and the output expiry observed over HTTP at exact instants: the emulator runs on a manual
/// clock, so nothing depends on how busy the machine is.
/// </summary>
public sealed class ManualClockLifecycleTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    [Fact]
    public async Task Polling_sees_queued_handling_archiving_success_at_the_configured_instants()
    {
        var clock = new ManualClock(Start);
        await using var server = await EmulatorServer.StartAsync(FastOptions.Create(1000, 2000, 500), "http://127.0.0.1:0", clock);
        using var client = new EmulatorClient(server);
        var taskId = (await client.CreateTextTaskAsync()).TaskId;

        async Task<string> StatusAfterAsync(int advanceMs)
        {
            clock.AdvanceMs(advanceMs);
            return (await client.GetTaskAsync(taskId)).TaskStatus;
        }

        Assert.Equal("queued", await StatusAfterAsync(0));
        Assert.Equal("queued", await StatusAfterAsync(999));
        Assert.Equal("handling", await StatusAfterAsync(1));
        Assert.Equal("handling", await StatusAfterAsync(1999));
        Assert.Equal("archiving", await StatusAfterAsync(1));
        Assert.Equal("archiving", await StatusAfterAsync(499));
        Assert.Equal("success", await StatusAfterAsync(1));
        Assert.Equal("success", await StatusAfterAsync(3_600_000));
    }

    [Fact]
    public async Task Output_is_empty_until_success_then_one_signed_video_url()
    {
        var clock = new ManualClock(Start);
        await using var server = await EmulatorServer.StartAsync(FastOptions.Create(100, 100, 100), "http://127.0.0.1:0", clock);
        using var client = new EmulatorClient(server);
        var taskId = (await client.CreateTextTaskAsync()).TaskId;

        clock.AdvanceMs(299);
        var archiving = await client.GetTaskAsync(taskId);
        clock.AdvanceMs(1);
        var success = await client.GetTaskAsync(taskId);

        Assert.Equal("archiving", archiving.TaskStatus);
        Assert.Equal(0, archiving.Json.GetProperty("data").GetProperty("output").GetArrayLength());
        var output = Assert.Single(success.Json.GetProperty("data").GetProperty("output").EnumerateArray().ToList());
        Assert.Equal("video", output.GetProperty("type").GetString());
        var url = new Uri(output.GetProperty("url").GetString()!);
        Assert.Equal(server.BaseAddress.Authority, url.Authority);
        Assert.Equal($"/storage/{taskId}.mp4", url.AbsolutePath);
        Assert.Matches(@"^\?expires=\d+&sig=[0-9a-f]{64}$", url.Query);
        // expireAt = success time + OutputLifetimeSeconds (default 3600), in Unix seconds.
        Assert.Equal(Start.ToUnixTimeSeconds() + 3601, output.GetProperty("expireAt").GetInt64());
    }

    [Fact]
    public async Task A_scripted_failure_fails_when_handling_ends()
    {
        var clock = new ManualClock(Start);
        await using var server = await EmulatorServer.StartAsync(FastOptions.Create(1000, 2000, 500), "http://127.0.0.1:0", clock);
        using var client = new EmulatorClient(server);
        var taskId = (await client.CreateTextTaskAsync(prompt: "[[fail]]")).TaskId;

        async Task<string> StatusAfterAsync(int advanceMs)
        {
            clock.AdvanceMs(advanceMs);
            return (await client.GetTaskAsync(taskId)).TaskStatus;
        }

        Assert.Equal("queued", await StatusAfterAsync(0));
        Assert.Equal("handling", await StatusAfterAsync(1000));
        Assert.Equal("handling", await StatusAfterAsync(1999));
        Assert.Equal("fail", await StatusAfterAsync(1));
        Assert.Equal("fail", await StatusAfterAsync(60_000));
        Assert.Equal(Start.AddMilliseconds(3000), Assert.Single(server.Tasks).FinishedAt);
    }

    [Fact]
    public async Task ExpireAt_is_success_time_plus_the_lifetime_and_the_url_dies_exactly_then()
    {
        var clock = new ManualClock(Start);
        var options = FastOptions.Create(100, 100, 100);
        options.OutputLifetimeSeconds = 10;
        await using var server = await EmulatorServer.StartAsync(options, "http://127.0.0.1:0", clock);
        using var client = new EmulatorClient(server);
        var taskId = (await client.CreateTextTaskAsync()).TaskId;
        clock.AdvanceMs(300);

        var output = (await client.GetTaskAsync(taskId)).Json.GetProperty("data").GetProperty("output")[0];
        var expireAt = output.GetProperty("expireAt").GetInt64();
        var url = output.GetProperty("url").GetString()!;

        // Success at Start + 0.3 s; plus 10 s, rounded up to whole seconds so the URL lives at least the lifetime.
        Assert.Equal(Start.ToUnixTimeSeconds() + 11, expireAt);
        using var fresh = await Downloads.GetAsync(client, url);
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);

        clock.Advance(DateTimeOffset.FromUnixTimeSeconds(expireAt) - clock.GetUtcNow() - TimeSpan.FromMilliseconds(1));
        using var lastMoment = await Downloads.GetAsync(client, url);
        Assert.Equal(HttpStatusCode.OK, lastMoment.StatusCode);

        clock.AdvanceMs(1);
        using var expired = await Downloads.GetAsync(client, url);
        Assert.Equal(HttpStatusCode.Forbidden, expired.StatusCode);
        Assert.Equal("Request has expired", await expired.Content.ReadAsStringAsync());
        Assert.Equal("text/plain", expired.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_balance_is_charged_at_the_instant_of_success()
    {
        var clock = new ManualClock(Start);
        await using var server = await EmulatorServer.StartAsync(FastOptions.Create(100, 100, 100), "http://127.0.0.1:0", clock);
        using var client = new EmulatorClient(server);
        await client.CreateTextTaskAsync(duration: 3, key: TestKeys.LowBalance);

        clock.AdvanceMs(299);
        var justBefore = server.GetBalance(TestKeys.LowBalance);
        clock.AdvanceMs(1);
        var atSuccess = server.GetBalance(TestKeys.LowBalance);

        Assert.Equal(0.05m, justBefore);
        Assert.Equal(0.02m, atSuccess);
    }
}
