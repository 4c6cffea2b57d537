using System.Net;
using HiApi.Emulator.Tests.Support;

namespace HiApi.Emulator.Tests.Throttling;

public sealed class RateLimitTests
{
    private const string RateLimited = """{"code":429,"data":null,"error_code":"RATE_LIMITED","message":"rate limit exceeded"}""";

    [Fact]
    public async Task Requests_beyond_the_limit_get_429_with_Retry_After()
    {
        var options = FastOptions.Create();
        options.RateLimitRequests = 2;
        options.RateLimitWindowMs = 60_000;
        options.RetryAfterSeconds = 7;
        await using var server = await EmulatorServer.StartAsync(options);
        using var client = new EmulatorClient(server);

        var first = await client.CreateTextTaskAsync();
        var second = await client.GetTaskAsync(first.TaskId);
        var third = await client.CreateTextTaskAsync();

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.Status);
        Assert.Equal(RateLimited, third.Body);
        Assert.Equal("7", Assert.Single(third.Headers.GetValues("Retry-After")));
        Assert.Single(server.Tasks);
    }

    [Fact]
    public async Task The_limit_is_per_key()
    {
        var options = FastOptions.Create();
        options.RateLimitRequests = 1;
        options.RateLimitWindowMs = 60_000;
        await using var server = await EmulatorServer.StartAsync(options);
        using var client = new EmulatorClient(server);

        await client.CreateTextTaskAsync(key: TestKeys.AllModels);
        var limited = await client.CreateTextTaskAsync(key: TestKeys.AllModels);
        var otherKey = await client.CreateTextTaskAsync(key: TestKeys.TextOnly);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.Status);
        Assert.Equal(HttpStatusCode.OK, otherKey.Status);
    }

    [Fact]
    public async Task The_window_slides_so_a_client_that_waits_gets_through()
    {
        // On the emulator's clock, not the wall's: a loaded CI machine can take longer than a short window between requests.
        var clock = new ManualClock(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        var options = FastOptions.Create();
        options.RateLimitRequests = 1;
        options.RateLimitWindowMs = 300;
        await using var server = await EmulatorServer.StartAsync(options, "http://127.0.0.1:0", clock);
        using var client = new EmulatorClient(server);

        await client.CreateTextTaskAsync();
        var limited = await client.CreateTextTaskAsync();
        clock.AdvanceMs(299);
        var stillLimited = await client.CreateTextTaskAsync();
        clock.AdvanceMs(1);
        var later = await client.CreateTextTaskAsync();

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, stillLimited.Status);
        Assert.Equal(HttpStatusCode.OK, later.Status);
        Assert.Equal(2, server.Tasks.Count);
    }
}
