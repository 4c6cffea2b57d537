using System.Collections.Concurrent;
using System.Net;

namespace HiApi.Client.Tests;

/// <summary>GET /api/pricing: no key ever, the module's request rules, and every failure a PriceUnknown with its cause.</summary>
public sealed class PriceListClientTests
{
    private static PriceListClient Create(HttpMessageHandler handler, RetryPolicy? policy = null, TimeSpan? timeout = null, TimeSpan? budget = null,
        Uri? baseUri = null, ApiRequestGate? gate = null, Action<string>? log = null) =>
        new(new HiApiClientOptions
        {
            BaseUri = baseUri ?? TestClients.BaseUri,
            // A key in the options must still never be sent: the price list is public.
            ApiKey = new ApiKey(TestClients.Key),
            RetryPolicy = policy ?? TestClients.InstantRetries(),
            RequestTimeout = timeout ?? TimeSpan.FromSeconds(30),
            RetryBudget = budget ?? TimeSpan.FromHours(1),
            RequestGate = gate ?? new ApiRequestGate(),
            Log = log,
        }, handler);

    private static HttpResponseMessage DefaultRows() => FakeHttpHandler.Json(200, PriceRows.Default);

    [Fact]
    public async Task Reads_the_list_from_the_api_host_without_the_key()
    {
        var handler = new FakeHttpHandler((_, _) => DefaultRows());
        var log = new ConcurrentQueue<string>();

        var list = await Create(handler, log: log.Enqueue).GetAsync();

        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Get, request.Method);
        Assert.Equal(new Uri("https://api.example.test/api/pricing"), request.Uri);
        Assert.Null(request.Authorization);
        Assert.DoesNotContain("Authorization", request.HeaderNames, StringComparer.OrdinalIgnoreCase);
        Assert.Equal(2, list.Models.Count);
        Assert.Equal(request.Uri, list.Source);
        Assert.Matches(@"^GET /api/pricing -> 200 OK \(\d+ ms\)$", Assert.Single(log));
    }

    [Fact]
    public async Task A_base_uri_with_a_path_keeps_it_like_every_api_request()
    {
        var handler = new FakeHttpHandler((_, _) => DefaultRows());

        await Create(handler, baseUri: new Uri("https://proxy.example.test/hiapi/")).GetAsync();

        Assert.Equal(new Uri("https://proxy.example.test/hiapi/api/pricing"), Assert.Single(handler.Requests).Uri);
    }

    [Fact]
    public async Task A_5xx_or_a_dropped_connection_is_retried_like_any_get()
    {
        var handler = FakeHttpHandler.Sequence(
            () => FakeHttpHandler.Json(503, """{"code":503,"error_code":"SERVICE_UNAVAILABLE","message":"busy"}"""),
            () => throw new HttpRequestException("connection reset"),
            DefaultRows);

        var list = await Create(handler).GetAsync();

        Assert.Equal(3, handler.Count);
        Assert.Equal(2, list.Models.Count);
        Assert.All(handler.Requests, r => Assert.Null(r.Authorization));
    }

    [Fact]
    public async Task A_list_that_stays_down_is_PriceUnknown_with_the_status_and_the_cause()
    {
        var handler = new FakeHttpHandler((_, _) => FakeHttpHandler.Json(503, """{"code":503,"error_code":"SERVICE_UNAVAILABLE","message":"pricing is temporarily unavailable"}"""));

        var error = await Assert.ThrowsAsync<HiApiException>(() => Create(handler, TestClients.InstantRetries(maxRetries: 2)).GetAsync());

        Assert.Equal(HiApiErrorKind.PriceUnknown, error.Kind);
        Assert.Equal(503, error.StatusCode);
        Assert.Equal(3, handler.Count);
        Assert.Equal(HiApiErrorKind.ServerError, Assert.IsType<HiApiException>(error.InnerException).Kind);
        Assert.StartsWith("Could not read HiAPI's price list: HiAPI answered 503", error.Message);
        Assert.Matches(@"\(Gave up after 2 retries in [\d.]+ s\.\)$", error.Message);
    }

    [Fact]
    public async Task A_refusal_is_not_retried()
    {
        var handler = new FakeHttpHandler((_, _) => FakeHttpHandler.Json(404, """{"code":404,"error_code":"NOT_FOUND","message":"route not found"}"""));

        var error = await Assert.ThrowsAsync<HiApiException>(() => Create(handler).GetAsync());

        Assert.Equal(1, handler.Count);
        Assert.Equal((HiApiErrorKind.PriceUnknown, 404), (error.Kind, error.StatusCode));
    }

    [Fact]
    public async Task A_429_pauses_the_hosts_gate_and_its_Retry_After_is_honoured()
    {
        var delays = new ConcurrentQueue<TimeSpan>();
        var gate = new ApiRequestGate();
        var handler = FakeHttpHandler.Sequence(
            () =>
            {
                var limited = FakeHttpHandler.Json(429, """{"code":429,"error_code":"RATE_LIMITED","message":"rate limit exceeded"}""");
                limited.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(2));
                return limited;
            },
            DefaultRows);

        await Create(handler, TestClients.InstantRetries(delays), gate: gate).GetAsync();

        Assert.Equal(1, gate.RateLimitedCount);
        Assert.Equal(TimeSpan.FromSeconds(2), Assert.Single(delays));
    }

    [Fact]
    public async Task An_answer_that_never_comes_fails_within_the_retry_budget()
    {
        var handler = new FakeHttpHandler(async (_, _, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        });
        var policy = new RetryPolicy { MaxRetries = 20, BaseDelay = TimeSpan.Zero };

        var error = await Assert.ThrowsAsync<HiApiException>(() =>
            Create(handler, policy, timeout: TimeSpan.FromMilliseconds(400), budget: TimeSpan.FromSeconds(1)).GetAsync());

        Assert.Equal(HiApiErrorKind.PriceUnknown, error.Kind);
        Assert.Null(error.StatusCode);
        Assert.Equal(HiApiErrorKind.Network, Assert.IsType<HiApiException>(error.InnerException).Kind);
        Assert.Contains("no answer within", error.Message);
        // Without the budget, 21 attempts; with it, the attempts that fit in a second.
        Assert.InRange(handler.Count, 1, 3);
    }

    [Fact]
    public async Task An_answer_that_is_not_a_list_is_PriceUnknown_and_not_retried()
    {
        var handler = new FakeHttpHandler((_, _) => FakeHttpHandler.Text(200, "<html><title>Pricing</title></html>"));

        var error = await Assert.ThrowsAsync<HiApiException>(() => Create(handler).GetAsync());

        Assert.Equal((HiApiErrorKind.PriceUnknown, 200, 1), (error.Kind, error.StatusCode, handler.Count));
        Assert.Contains("is not JSON", error.Message);
    }

    [Fact]
    public async Task A_list_over_4_MiB_is_refused()
    {
        var handler = new FakeHttpHandler((_, _) => FakeHttpHandler.Json(200, "[" + new string(' ', PriceListClient.MaxResponseBytes) + "]"));

        var error = await Assert.ThrowsAsync<HiApiException>(() => Create(handler).GetAsync());

        Assert.Equal(HiApiErrorKind.PriceUnknown, error.Kind);
        Assert.Contains($"larger than {PriceListClient.MaxResponseBytes} bytes", error.Message);
        Assert.Equal(1, handler.Count);
    }

    [Fact]
    public void Plain_http_to_a_remote_host_is_refused_as_for_the_api()
    {
        var error = Assert.Throws<HiApiException>(() => Create(new FakeHttpHandler((_, _) => DefaultRows()), baseUri: new Uri("http://api.example.test/")));
        Assert.Equal(HiApiErrorKind.Configuration, error.Kind);
    }
}
