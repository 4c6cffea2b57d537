using System.Collections.Concurrent;

namespace HiApi.Client.Tests;

/// <summary>Clients wired to a fake handler, with retries that record their delays instead of sleeping.</summary>
public static class TestClients
{
    public const string Key = "sk-test-super-secret-0123456789";
    public static readonly Uri BaseUri = new("https://api.example.test/");

    public static RetryPolicy InstantRetries(ConcurrentQueue<TimeSpan>? delays = null, int maxRetries = 5) => new()
    {
        MaxRetries = maxRetries,
        BaseDelay = TimeSpan.FromMilliseconds(500),
        MaxDelay = TimeSpan.FromSeconds(30),
        Delay = (delay, ct) =>
        {
            delays?.Enqueue(delay);
            return Task.CompletedTask;
        },
    };

    public static HiApiClient Create(
        HttpMessageHandler handler,
        RetryPolicy? retryPolicy = null,
        Action<string>? log = null,
        TimeSpan? requestTimeout = null,
        TimeProvider? timeProvider = null,
        TimeSpan? retryBudget = null,
        ApiRequestGate? gate = null) =>
        new(new HiApiClientOptions
        {
            BaseUri = BaseUri,
            ApiKey = new ApiKey(Key),
            RetryPolicy = retryPolicy ?? InstantRetries(),
            Log = log,
            RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(30),
            // Retry tests count attempts: the budget (tested on its own) must not cut them short.
            RetryBudget = retryBudget ?? TimeSpan.FromHours(1),
            // Each client its own gate: one test's 429s must not pause another test's requests.
            RequestGate = gate ?? new ApiRequestGate(),
        }, handler)
        {
            TimeProvider = timeProvider ?? TimeProvider.System,
        };
}
