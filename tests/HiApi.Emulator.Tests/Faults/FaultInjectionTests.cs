using System.Net;
using HiApi.Emulator.Tests.Support;

namespace HiApi.Emulator.Tests.Faults;

/// <summary>Each fault kind is injected when asked, counted, and shaped as a real outage would be.</summary>
public sealed class FaultInjectionTests
{
    private const string SomeTaskId = "tk-hiapi-01KW23VDG2EZ20J7RQH8S67MNC";

    private static async Task<EmulatorServer> StartAsync(FaultOptions faults, int? seed = null)
    {
        var options = FastOptions.Create();
        options.Faults = faults;
        options.RandomSeed = seed;
        return await EmulatorServer.StartAsync(options);
    }

    [Fact]
    public async Task Server_errors_take_turns_500_json_502_html_503_json()
    {
        await using var server = await StartAsync(new FaultOptions { ServerErrorRate = 1 });
        using var client = new EmulatorClient(server);

        var first = await client.GetTaskAsync(SomeTaskId);
        var second = await client.GetTaskAsync(SomeTaskId);
        var third = await client.GetTaskAsync(SomeTaskId);

        Assert.Equal(HttpStatusCode.InternalServerError, first.Status);
        Assert.Equal("""{"code":500,"data":null,"error_code":"INTERNAL_ERROR","message":"internal error"}""", first.Body);
        Assert.Equal(HttpStatusCode.BadGateway, second.Status);
        Assert.StartsWith("text/html", second.ContentType);
        Assert.StartsWith("<html><head><title>502 Bad Gateway</title></head><body>", second.Body);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, third.Status);
        Assert.Equal("SERVICE_UNAVAILABLE", third.Json.GetProperty("error_code").GetString());
        Assert.Equal(3, server.Faults.ServerErrors);
    }

    [Fact]
    public async Task Dropped_connections_get_no_answer_at_all()
    {
        await using var server = await StartAsync(new FaultOptions { DropConnectionRate = 1 });
        using var client = new EmulatorClient(server);

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetTaskAsync(SomeTaskId));

        Assert.Equal(1, server.Faults.DroppedConnections);
        Assert.Equal(0, Assert.Single(server.Requests).StatusCode);
    }

    [Fact]
    public async Task Slow_answers_outlast_a_short_client_timeout()
    {
        // Three seconds for the request to arrive even on a busy machine; the answer would take thirty.
        await using var server = await StartAsync(new FaultOptions { SlowResponseRate = 1, SlowResponseDelayMs = 30_000 });
        using var client = new EmulatorClient(server, timeout: TimeSpan.FromSeconds(3));

        await Assert.ThrowsAnyAsync<TaskCanceledException>(() => client.GetTaskAsync(SomeTaskId));

        await Poll.UntilAsync(() => server.Faults.SlowResponses == 1, "the slow answer to be counted");
    }

    [Fact]
    public async Task Slow_answers_still_answer()
    {
        await using var server = await StartAsync(new FaultOptions { SlowResponseRate = 1, SlowResponseDelayMs = 50 });
        using var client = new EmulatorClient(server);

        var response = await client.GetTaskAsync(SomeTaskId);

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal(1, server.Faults.SlowResponses);
    }

    [Fact]
    public async Task Random_429s_hit_creates_before_the_task_is_accepted()
    {
        await using var server = await StartAsync(new FaultOptions { TooManyRequestsRate = 1 });
        server.Options.RetryAfterSeconds = 3;
        using var client = new EmulatorClient(server);

        var response = await client.CreateTextTaskAsync();

        Assert.Equal(HttpStatusCode.TooManyRequests, response.Status);
        Assert.Equal("RATE_LIMITED", response.Json.GetProperty("error_code").GetString());
        Assert.Equal("3", Assert.Single(response.Headers.GetValues("Retry-After")));
        Assert.Empty(server.Tasks);
        Assert.Equal(1, server.Faults.TooManyRequests);
    }

    [Fact]
    public async Task Without_FaultCreate_creates_are_spared_other_faults()
    {
        await using var server = await StartAsync(new FaultOptions { ServerErrorRate = 1, DropConnectionRate = 1 });
        using var client = new EmulatorClient(server);

        var response = await client.CreateTextTaskAsync();

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(0, server.Faults.ServerErrors + server.Faults.DroppedConnections);
    }

    [Fact]
    public async Task With_FaultCreate_a_5xx_comes_after_the_task_was_created()
    {
        await using var server = await StartAsync(new FaultOptions { ServerErrorRate = 1, FaultCreate = true });
        using var client = new EmulatorClient(server);

        var response = await client.CreateTextTaskAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.Status);
        Assert.Single(server.Tasks);   // the "response lost" case: the task exists although the client saw an error
    }

    [Fact]
    public async Task With_FaultCreate_a_drop_comes_after_the_task_was_created()
    {
        await using var server = await StartAsync(new FaultOptions { DropConnectionRate = 1, FaultCreate = true });
        using var client = new EmulatorClient(server);

        await Assert.ThrowsAsync<HttpRequestException>(() => client.CreateTextTaskAsync());

        Assert.Single(server.Tasks);
        Assert.Equal(1, server.Faults.DroppedConnections);
    }

    [Fact]
    public async Task Truncated_downloads_announce_the_full_length_and_stop_early()
    {
        await using var server = await StartAsync(new FaultOptions());
        using var client = new EmulatorClient(server);
        var (url, _) = await Downloads.FinishedOutputAsync(client);
        server.Options.Faults.TruncateDownloadRate = 1;

        using var response = await Downloads.GetAsync(client, url);
        var (bytes, cut) = await Downloads.ReadUntilCutAsync(response);

        Assert.Equal(FixtureVideo.Bytes.Length, response.Content.Headers.ContentLength);
        Assert.True(cut);
        Assert.True(bytes.Length <= FixtureVideo.Bytes.Length / 2);
        Assert.Equal(1, server.Faults.TruncatedDownloads);
    }

    [Fact]
    public async Task Downloads_get_5xx_faults_too()
    {
        await using var server = await StartAsync(new FaultOptions());
        using var client = new EmulatorClient(server);
        var (url, _) = await Downloads.FinishedOutputAsync(client);
        server.Options.Faults.ServerErrorRate = 1;

        using var response = await Downloads.GetAsync(client, url);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(1, server.Faults.ServerErrors);
    }

    [Fact]
    public async Task A_seed_makes_the_fault_sequence_repeatable()
    {
        async Task<string> SequenceAsync()
        {
            await using var server = await StartAsync(new FaultOptions { ServerErrorRate = 0.5 }, seed: 1234);
            using var client = new EmulatorClient(server);
            var statuses = new List<int>();
            for (var i = 0; i < 24; i++)
            {
                statuses.Add((int)(await client.GetTaskAsync(SomeTaskId)).Status);
            }
            return string.Join(",", statuses);
        }

        var first = await SequenceAsync();
        var second = await SequenceAsync();

        Assert.Equal(first, second);
        Assert.Contains("404", first);
        Assert.Contains("500", first);
    }
}
