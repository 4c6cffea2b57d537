using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace HiApi.Client.Tests;

/// <summary>
/// When a request is retried: GETs on 429, 5xx and network failures; never 400/401/402/404; the
/// paid create only when the server provably did not take it (429, connection refused).
/// </summary>
public sealed class HiApiClientRetryTests
{
    private static HttpRequestException ConnectionRefused() =>
        new(HttpRequestError.ConnectionError, "Connection refused (api.example.test:443)", new SocketException((int)SocketError.ConnectionRefused));

    private static HttpRequestException ResponseEnded() =>
        new(HttpRequestError.ResponseEnded, "An error occurred while sending the request.", new IOException("The response ended prematurely."));

    [Theory]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task Get_RetriesTransientStatuses_ThenSucceeds(int status)
    {
        var delays = new ConcurrentQueue<TimeSpan>();
        var handler = FakeHttpHandler.Sequence(
            () => FakeHttpHandler.Json(status, """{"code":0,"error_code":"X","message":"try later"}"""),
            () => FakeHttpHandler.Text(status, ApiJson.BadGatewayHtml),
            () => FakeHttpHandler.Json(200, ApiJson.Task("tk-1", "handling")));
        var client = TestClients.Create(handler, TestClients.InstantRetries(delays));
        var events = new List<RetryingEventArgs>();
        client.Retrying += (_, e) => events.Add(e);

        var task = await client.GetTaskAsync("tk-1");

        Assert.Equal(HiApiTaskStatus.Handling, task.Status);
        Assert.Equal(3, handler.Count);
        Assert.Equal(3, client.RequestCount);
        Assert.Equal(2, client.RetryCount);
        Assert.Equal(new[] { 1, 2 }, events.Select(e => e.Attempt));
        Assert.All(events, e => Assert.Equal(("GET", "/v1/tasks/tk-1"), (e.Method, e.Path)));
        Assert.StartsWith(status.ToString(), events[0].Reason);
        Assert.Equal(2, delays.Count);
        Assert.InRange(delays.ElementAt(0), TimeSpan.Zero, TimeSpan.FromMilliseconds(500));
        Assert.InRange(delays.ElementAt(1), TimeSpan.Zero, TimeSpan.FromMilliseconds(1000));
    }

    [Fact]
    public async Task Get_RetriesNetworkFailuresAndTimeouts()
    {
        var handler = new FakeHttpHandler(async (_, index, ct) =>
        {
            switch (index)
            {
                case 0: throw ConnectionRefused();
                case 1: throw ResponseEnded();
                case 2:
                    await Task.Delay(Timeout.Infinite, ct); // never answers: the per-request timeout fires
                    throw new InvalidOperationException("unreachable");
                default: return FakeHttpHandler.Json(200, ApiJson.Task("tk-1", "queued"));
            }
        });
        // Long enough that the answering attempt never times out on a busy machine; the hanging one still does.
        var client = TestClients.Create(handler, requestTimeout: TimeSpan.FromMilliseconds(1500));

        var task = await client.GetTaskAsync("tk-1");

        Assert.Equal(HiApiTaskStatus.Queued, task.Status);
        Assert.Equal(4, handler.Count);
        Assert.Equal(3, client.RetryCount);
    }

    [Fact]
    public async Task Get_HonoursRetryAfter()
    {
        var delays = new ConcurrentQueue<TimeSpan>();
        var handler = FakeHttpHandler.Sequence(
            () =>
            {
                var response = FakeHttpHandler.Json(429, ApiJson.RateLimited);
                response.Headers.TryAddWithoutValidation("Retry-After", "3");
                return response;
            },
            () => FakeHttpHandler.Json(200, ApiJson.Task("tk-1", "queued")));
        var client = TestClients.Create(handler, TestClients.InstantRetries(delays));

        await client.GetTaskAsync("tk-1");

        Assert.Equal(TimeSpan.FromSeconds(3), Assert.Single(delays));
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(402)]
    [InlineData(403)]
    [InlineData(404)]
    public async Task Get_NeverRetriesRefusals(int status)
    {
        var body = status switch
        {
            400 => ApiJson.BadRequest("invalid input: prompt: missing required field \"prompt\""),
            401 or 403 => ApiJson.PermissionDenied,
            402 => ApiJson.InsufficientBalance,
            _ => ApiJson.NotFound,
        };
        var handler = FakeHttpHandler.Sequence(() => FakeHttpHandler.Json(status, body));
        var client = TestClients.Create(handler);

        var exception = await Assert.ThrowsAsync<HiApiException>(() => client.GetTaskAsync("tk-1"));

        Assert.Equal(status, exception.StatusCode);
        Assert.Equal(1, handler.Count);
        Assert.Equal(0, client.RetryCount);
    }

    [Fact]
    public async Task Get_GivesUpAfterMaxRetries_AndSaysSo()
    {
        var handler = FakeHttpHandler.Sequence(() => FakeHttpHandler.Json(503, ApiJson.Unavailable));
        var client = TestClients.Create(handler, TestClients.InstantRetries(maxRetries: 3));

        var exception = await Assert.ThrowsAsync<HiApiException>(() => client.GetTaskAsync("tk-1"));

        Assert.Equal(HiApiErrorKind.ServerError, exception.Kind);
        Assert.Equal(4, handler.Count);
        Assert.Contains("Gave up after 3 retries", exception.Message);
    }

    [Fact]
    public async Task Get_CancellationStopsTheBackoffAtOnce()
    {
        using var cts = new CancellationTokenSource();
        var handler = FakeHttpHandler.Sequence(() => FakeHttpHandler.Json(503, ApiJson.Unavailable));
        var policy = new RetryPolicy { MaxRetries = 5, BaseDelay = TimeSpan.FromMinutes(10), MaxDelay = TimeSpan.FromMinutes(10) };
        var client = TestClients.Create(handler, policy);
        client.Retrying += (_, e) => cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetTaskAsync("tk-1", cts.Token));

        Assert.Equal(1, handler.Count);
    }

    [Fact]
    public async Task Create_RetriesA429_BecauseTheServerRefusedIt()
    {
        var handler = FakeHttpHandler.Sequence(
            () => FakeHttpHandler.Json(429, ApiJson.RateLimited),
            () => FakeHttpHandler.Json(200, ApiJson.Created("tk-new")));
        var client = TestClients.Create(handler);

        var task = await client.CreateTaskAsync(new VideoRequest { Prompt = "p" });

        Assert.Equal("tk-new", task.TaskId);
        Assert.Equal(2, handler.Count);
    }

    [Fact]
    public async Task Create_RetriesConnectionRefused_BecauseNothingWasSent()
    {
        var handler = new FakeHttpHandler((_, index, _) => index == 0
            ? throw ConnectionRefused()
            : Task.FromResult(FakeHttpHandler.Json(200, ApiJson.Created("tk-new"))));
        var client = TestClients.Create(handler);

        var task = await client.CreateTaskAsync(new VideoRequest { Prompt = "p" });

        Assert.Equal("tk-new", task.TaskId);
        Assert.Equal(2, handler.Count);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    public async Task Create_WithoutAKey_DoesNotRetryA5xx_AndWarnsThatATaskMayExist(int status)
    {
        var handler = FakeHttpHandler.Sequence(() => FakeHttpHandler.Json(status, ApiJson.Internal));
        var client = TestClients.Create(handler);

        var exception = await Assert.ThrowsAsync<HiApiException>(() => client.CreateTaskAsync(new VideoRequest { Prompt = "p" }));

        Assert.Equal(1, handler.Count);
        Assert.Equal(HiApiErrorKind.ServerError, exception.Kind);
        Assert.True(exception.TaskMayHaveBeenCreated);
        Assert.Contains("a task may have been created", exception.Message);
    }

    [Fact]
    public async Task Create_WithoutAKey_RetriesA503_BecauseTheServerDidNotTakeIt()
    {
        // The contract: without a key, a POST may be retried only after 429 or 503.
        var handler = FakeHttpHandler.Sequence(
            () => FakeHttpHandler.Json(503, ApiJson.Unavailable),
            () => FakeHttpHandler.Json(200, ApiJson.Created("tk-after-503")));
        var client = TestClients.Create(handler);

        var task = await client.CreateTaskAsync(new VideoRequest { Prompt = "p" });

        Assert.Equal("tk-after-503", task.TaskId);
        Assert.Equal(2, handler.Count);
    }

    [Fact]
    public async Task Create_WithoutAKey_DoesNotRetryAConnectionDroppedAfterSending()
    {
        var handler = new FakeHttpHandler((_, _, _) => throw ResponseEnded());
        var client = TestClients.Create(handler);

        var exception = await Assert.ThrowsAsync<HiApiException>(() => client.CreateTaskAsync(new VideoRequest { Prompt = "p" }));

        Assert.Equal(1, handler.Count);
        Assert.Equal(HiApiErrorKind.Network, exception.Kind);
        Assert.True(exception.TaskMayHaveBeenCreated);
    }

    [Fact]
    public async Task Create_WithoutAKey_DoesNotRetryATimeout()
    {
        var handler = new FakeHttpHandler(async (_, _, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        });
        var client = TestClients.Create(handler, requestTimeout: TimeSpan.FromMilliseconds(200));

        var exception = await Assert.ThrowsAsync<HiApiException>(() => client.CreateTaskAsync(new VideoRequest { Prompt = "p" }));

        Assert.Equal(1, handler.Count);
        Assert.Equal(HiApiErrorKind.Network, exception.Kind);
        Assert.True(exception.TaskMayHaveBeenCreated);
        Assert.Contains("no answer within", exception.Message);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(402)]
    public async Task Create_Refusals_ProveNoTaskWasCreated(int status)
    {
        var body = status switch
        {
            400 => ApiJson.BadRequest("invalid input: additional properties 'seed' not allowed"),
            401 => ApiJson.PermissionDenied,
            _ => ApiJson.InsufficientBalance,
        };
        var handler = FakeHttpHandler.Sequence(() => FakeHttpHandler.Json(status, body));
        var client = TestClients.Create(handler);

        var exception = await Assert.ThrowsAsync<HiApiException>(() => client.CreateTaskAsync(new VideoRequest { Prompt = "p" }));

        Assert.Equal(1, handler.Count);
        Assert.False(exception.TaskMayHaveBeenCreated);
        Assert.DoesNotContain("may have been created", exception.Message);
    }

    [Fact]
    public async Task Create_InvalidInput_SendsNothing()
    {
        var handler = FakeHttpHandler.Sequence(() => FakeHttpHandler.Json(200, ApiJson.Created("tk-x")));
        var client = TestClients.Create(handler);

        var exception = await Assert.ThrowsAsync<HiApiException>(() =>
            client.CreateTaskAsync(new VideoRequest { Prompt = "p", Duration = 99, Resolution = "4k" }));

        Assert.Equal(0, handler.Count);
        Assert.Equal(0, client.RequestCount);
        Assert.Equal("invalid input: resolution: value must be one of '720p', '1080p'; duration: maximum: got 99, want 15", exception.Message);
    }

    [Fact]
    public async Task Create_SendsTheContractBody_WithTheCallbackAtTheRoot_AndNoNulls()
    {
        var handler = FakeHttpHandler.Sequence(() => FakeHttpHandler.Json(200, ApiJson.Created("tk-x")));
        var client = TestClients.Create(handler);

        await client.CreateTaskAsync(new VideoRequest
        {
            Model = HiApiModels.ImageToVideo,
            ImageUrl = "https://example.com/still.jpg",
            Prompt = "slow zoom out",
            Resolution = "1080p",
            Duration = 6,
            CallbackUrl = "https://your-app.example.com/webhooks/hiapi",
        });

        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal(new Uri("https://api.example.test/v1/tasks"), request.Uri);
        Assert.Equal($"Bearer {TestClients.Key}", request.Authorization);
        Assert.Equal(
            """{"model":"happyhorse-1.1/image-to-video","input":{"image_urls":["https://example.com/still.jpg"],"prompt":"slow zoom out","resolution":"1080p","duration":6},"callback":{"url":"https://your-app.example.com/webhooks/hiapi","when":"final"}}""",
            request.Body);
    }

    [Fact]
    public async Task Create_MinimalTextToVideoBody_HasOnlyThePrompt()
    {
        var handler = FakeHttpHandler.Sequence(() => FakeHttpHandler.Json(200, ApiJson.Created("tk-x")));
        var client = TestClients.Create(handler);

        await client.CreateTaskAsync(new VideoRequest { Prompt = "a \"quoted\" ocean wave" });

        using var body = JsonDocument.Parse(handler.Requests[0].Body!);
        Assert.Equal("happyhorse-1.1/text-to-video", body.RootElement.GetProperty("model").GetString());
        var input = body.RootElement.GetProperty("input");
        Assert.Equal("a \"quoted\" ocean wave", input.GetProperty("prompt").GetString());
        Assert.Single(input.EnumerateObject());
        Assert.False(body.RootElement.TryGetProperty("callback", out _));
    }

    [Fact]
    public async Task Log_ShowsMethodPathStatusAndRetries()
    {
        var lines = new ConcurrentQueue<string>();
        var handler = FakeHttpHandler.Sequence(
            () => FakeHttpHandler.Json(503, ApiJson.Unavailable),
            () => FakeHttpHandler.Json(200, ApiJson.Task("tk-1", "queued")));
        var client = TestClients.Create(handler, log: lines.Enqueue);

        await client.GetTaskAsync("tk-1");

        Assert.Contains(lines, l => l.StartsWith("GET /v1/tasks/tk-1 -> 503"));
        Assert.Contains(lines, l => l.Contains("retry 1 of 5"));
        Assert.Contains(lines, l => l.StartsWith("GET /v1/tasks/tk-1 -> 200"));
    }
}
