using HiApi.Client;

namespace HiApi.Bench.Scenarios;

/// <summary>
/// Clients built exactly as the cmdlets build them: resolved base URI, default retry policy and timeouts, the
/// process-wide pooled <see cref="HttpClient"/>. Nothing tuned for the benchmark.
/// </summary>
internal static class ModuleClients
{
    /// <summary>The key comes from <c>HIAPI_API_KEY</c>, as for the cmdlets (the harness sets it for its children).</summary>
    public static HiApiClient FromEnvironment(string baseUri) => new(new HiApiClientOptions
    {
        BaseUri = BaseUriResolver.Resolve(baseUri, _ => null),
        ApiKey = ApiKey.Resolve(null),
    });

    public static HiApiClient For(Uri baseUri, string key) => new(new HiApiClientOptions
    {
        BaseUri = BaseUriResolver.Resolve(baseUri.ToString(), _ => null),
        ApiKey = new ApiKey(key),
    });

    /// <summary>A short, valid, cheap request: the development habit of the seeds (3 s at 720p).</summary>
    public static VideoRequest ClipRequest(int index, string? callbackUrl = null) => new()
    {
        Model = HiApiModels.TextToVideo,
        Prompt = $"benchmark clip {index}: a calm ocean wave at sunset",
        Duration = 3,
        Resolution = "720p",
        CallbackUrl = callbackUrl,
    };
}
