namespace HiApi.Client;

/// <summary>
/// Reads HiAPI's public price list, <c>GET /api/pricing</c> on the API's own host. It needs no key, and none is sent: the
/// request goes through <see cref="HiApiClient"/>'s public-resource path, which never adds an <c>Authorization</c>
/// header, with the module's one set of request rules (the per-attempt timeout, the retry budget, <see cref="RetryRules"/>,
/// the retry policy's backoff and <c>Retry-After</c>, and the host's <see cref="ApiRequestGate"/>). The answer is read up
/// to <see cref="MaxResponseBytes"/>. Every failure is a <see cref="HiApiErrorKind.PriceUnknown"/> error whose inner
/// exception is the transport's, with the HTTP status when one came.
/// </summary>
public sealed class PriceListClient
{
    /// <summary>A task is a few KB; the public price list of every HiAPI model may be some hundreds.</summary>
    public const int MaxResponseBytes = 4 * 1024 * 1024;

    private const string PriceListPath = "api/pricing";

    private readonly HiApiClient _client;

    /// <summary>Uses <paramref name="options"/>' base URI and request rules; its <see cref="HiApiClientOptions.ApiKey"/> is never sent.</summary>
    public PriceListClient(HiApiClientOptions options)
        : this(new HiApiClient(WithoutKey(options)), options.Log)
    {
    }

    /// <summary>For tests: every request goes to <paramref name="handler"/>.</summary>
    internal PriceListClient(HiApiClientOptions options, HttpMessageHandler handler)
        : this(new HiApiClient(WithoutKey(options), handler), options.Log)
    {
    }

    private PriceListClient(HiApiClient client, Action<string>? log)
    {
        _client = client;
        Log = log;
        BaseUri = client.BaseUri;
        PriceListUri = new Uri(BaseUri, PriceListPath);
    }

    public Uri BaseUri { get; }

    /// <summary><c>&lt;base&gt;api/pricing</c>: the same host as every API request.</summary>
    public Uri PriceListUri { get; }

    /// <summary>Verbose lines of the requests; the cache adds its own.</summary>
    internal Action<string>? Log { get; }

    /// <summary>For tests: the clock behind <see cref="PriceList.RetrievedAt"/>.</summary>
    internal TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Reads and parses the price list; retried like any GET. Throws <see cref="HiApiErrorKind.PriceUnknown"/>.</summary>
    public async Task<PriceList> GetAsync(CancellationToken ct = default)
    {
        byte[] body;
        try
        {
            body = await _client.GetPublicAsync(PriceListPath, MaxResponseBytes, ct).ConfigureAwait(false);
        }
        catch (HiApiException unread)
        {
            throw new HiApiException(HiApiErrorKind.PriceUnknown, $"Could not read HiAPI's price list: {unread.Message}", unread)
            {
                StatusCode = unread.StatusCode,
                ErrorCode = unread.ErrorCode,
            };
        }

        try
        {
            return PriceList.Parse(body, PriceListUri, TimeProvider.GetUtcNow());
        }
        catch (HiApiException unreadable)
        {
            throw new HiApiException(unreadable.Kind, unreadable.Message) { StatusCode = 200 };
        }
    }

    /// <summary>The options without the key: the price list is public, and this client must not be able to send it.</summary>
    private static HiApiClientOptions WithoutKey(HiApiClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.BaseUri is null)
        {
            throw new HiApiException(HiApiErrorKind.Configuration, "No HiAPI base URI was given.");
        }

        return new HiApiClientOptions
        {
            BaseUri = options.BaseUri,
            ApiKey = null,
            RetryPolicy = options.RetryPolicy,
            RequestTimeout = options.RequestTimeout,
            RetryBudget = options.RetryBudget,
            MaxResponseBytes = MaxResponseBytes,
            RequestGate = options.RequestGate,
            Log = options.Log,
            Caller = options.Caller,
        };
    }
}
