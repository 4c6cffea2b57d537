using HiApi.Client;
using HiApi.Emulator;

namespace HiApi.FaultInjection.Tests.Support;

/// <summary>Clients built the way the module builds them (public constructor, process-wide pooled HttpClient).</summary>
public static class EmulatorClients
{
    /// <summary>
    /// Short delays so a run stays quick, but enough retries that a streak of injected faults is survived: with
    /// about one GET in four failing, eleven failures in a row happen about once in ten million requests.
    /// </summary>
    public static RetryPolicy FaultTolerantRetries { get; } = new()
    {
        MaxRetries = 10,
        BaseDelay = TimeSpan.FromMilliseconds(50),
        MaxDelay = TimeSpan.FromSeconds(1),
    };

    public static HiApiClient Create(EmulatorServer server, RetryPolicy? retryPolicy = null, Action<string>? log = null) =>
        Create(server.BaseAddress, retryPolicy, log);

    public static HiApiClient Create(Uri baseAddress, RetryPolicy? retryPolicy = null, Action<string>? log = null) => new(new HiApiClientOptions
    {
        BaseUri = BaseUriResolver.Resolve(baseAddress.ToString(), _ => null),
        ApiKey = ApiKey.Resolve(TestKeys.Emulator, _ => null),
        RetryPolicy = retryPolicy ?? FaultTolerantRetries,
        RequestTimeout = TimeSpan.FromSeconds(30),
        Log = log,
    });
}
