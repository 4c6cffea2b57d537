using System.Buffers;
using System.Diagnostics;
using System.Reflection;

namespace HiApi.Client;

/// <summary>
/// Reads HiAPI's public price list, <c>GET /api/pricing</c> on the API's own host. It needs no key, and this class has
/// none to send: it never adds an <c>Authorization</c> header (the key goes only where it is needed). Otherwise the
/// request follows the module's rules, read from the same <see cref="HiApiClientOptions"/> as <see cref="HiApiClient"/>:
/// the per-attempt timeout, the retry budget, retries of 408, 429, 5xx, timeouts and network failures with the retry
/// policy's backoff and <c>Retry-After</c>, and the host's <see cref="ApiRequestGate"/>. The answer is read up to
/// <see cref="MaxResponseBytes"/>. Every failure is a <see cref="HiApiErrorKind.PriceUnknown"/> error whose inner
/// exception is the transport's, with the HTTP status when one came.
/// </summary>
public sealed class PriceListClient
{
    /// <summary>A task is a few KB; the public price list of every HiAPI model may be some hundreds.</summary>
    public const int MaxResponseBytes = 4 * 1024 * 1024;

    /// <summary>Error bodies are only read for their message.</summary>
    private const int MaxErrorBodyBytes = 64 * 1024;

    private static readonly string UserAgentText = "HiApi.Video/" +
        (typeof(PriceListClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0");

    private readonly HiApiClientOptions _options;
    private readonly HttpClient _http;
    private readonly ApiRequestGate _gate;

    /// <summary>Uses <paramref name="options"/>' base URI and request rules; its <see cref="HiApiClientOptions.ApiKey"/> is never read.</summary>
    public PriceListClient(HiApiClientOptions options)
        : this(options, http: null)
    {
    }

    /// <summary>For tests: every request goes to <paramref name="handler"/>.</summary>
    internal PriceListClient(HiApiClientOptions options, HttpMessageHandler handler)
        : this(options, new HttpClient(handler ?? throw new ArgumentNullException(nameof(handler)), disposeHandler: false)
        {
            Timeout = Timeout.InfiniteTimeSpan,
        })
    {
    }

    private PriceListClient(HiApiClientOptions options, HttpClient? http)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.BaseUri is null)
        {
            throw new HiApiException(HiApiErrorKind.Configuration, "No HiAPI base URI was given.");
        }

        BaseUri = BaseUriResolver.Check(options.BaseUri, "the client options");
        PriceListUri = new Uri(BaseUri, "api/pricing");
        _options = options;
        _http = http ?? HttpClientPool.For(BaseUri);
        _gate = options.RequestGate ?? ApiRequestGate.For(BaseUri);
    }

    public Uri BaseUri { get; }

    /// <summary><c>&lt;base&gt;api/pricing</c>: the same host as every API request.</summary>
    public Uri PriceListUri { get; }

    /// <summary>Verbose lines of the requests; the cache adds its own.</summary>
    internal Action<string>? Log => _options.Log;

    /// <summary>For tests: the clock behind <see cref="PriceList.RetrievedAt"/>.</summary>
    internal TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Reads and parses the price list; retried like any GET. Throws <see cref="HiApiErrorKind.PriceUnknown"/>.</summary>
    public async Task<PriceList> GetAsync(CancellationToken ct = default)
    {
        var policy = _options.RetryPolicy ?? RetryPolicy.Default;
        var path = PriceListUri.AbsolutePath;
        long firstAttempt = 0;
        for (var retriesDone = 0; ; retriesDone++)
        {
            ct.ThrowIfCancellationRequested();
            HiApiException failure;
            bool retryable;
            string reason;
            using (await _gate.EnterAsync(ct).ConfigureAwait(false))
            {
                if (firstAttempt == 0)
                {
                    firstAttempt = Stopwatch.GetTimestamp();
                }

                var attemptTimeout = AttemptTimeout(firstAttempt);
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
                if (attemptTimeout != Timeout.InfiniteTimeSpan)
                {
                    attempt.CancelAfter(attemptTimeout);
                }

                // No Authorization header, ever: the price list is public.
                using var request = new HttpRequestMessage(HttpMethod.Get, PriceListUri);
                request.Headers.TryAddWithoutValidation("User-Agent", UserAgentText);
                request.Headers.TryAddWithoutValidation("Accept", "application/json");
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt.Token).ConfigureAwait(false);
                    var status = (int)response.StatusCode;
                    var success = status is >= 200 and < 300;
                    var body = await ReadBodyAsync(response.Content, success ? MaxResponseBytes : MaxErrorBodyBytes, truncate: !success, attempt.Token)
                        .ConfigureAwait(false);
                    Log?.Invoke($"GET {path} -> {status} {response.ReasonPhrase} ({ElapsedMilliseconds(started)} ms, {body.Length} bytes)");
                    if (success)
                    {
                        _gate.OnSuccess();
                        return Parse(body, status);
                    }

                    var retryAfter = ApiErrorReader.ReadRetryAfter(response.Headers, TimeProvider.GetUtcNow());
                    if (status == 429)
                    {
                        _gate.OnRateLimited(retryAfter);
                    }
                    else
                    {
                        _gate.OnSuccess();
                    }

                    failure = ApiErrorReader.FromResponse(status, response.ReasonPhrase, body, retryAfter, null, null);
                    reason = $"{status} {(string.IsNullOrEmpty(response.ReasonPhrase) ? ApiErrorReader.DescribeStatus(status) : response.ReasonPhrase)}";
                    retryable = failure.IsTransient;
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    throw;
                }
                catch (ResponseTooLargeException)
                {
                    Log?.Invoke($"GET {path} refused after {ElapsedMilliseconds(started)} ms: larger than {MaxResponseBytes} bytes");
                    throw new HiApiException(HiApiErrorKind.PriceUnknown,
                        $"HiAPI's price list at {PriceListUri.Host} is larger than {MaxResponseBytes / (1024 * 1024)} MiB; it was not read.")
                    {
                        StatusCode = 200,
                    };
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
                {
                    reason = ex is OperationCanceledException ? $"no answer within {attemptTimeout.TotalSeconds:0.##} s" : ConnectFailure.Describe(ex);
                    Log?.Invoke($"GET {path} failed after {ElapsedMilliseconds(started)} ms: {reason}");
                    failure = new HiApiException(HiApiErrorKind.Network, $"Could not complete GET {path} at {PriceListUri.Host}: {reason}.", ex);
                    retryable = true;
                }
            }

            var retryNumber = retriesDone + 1;
            var delay = retryable ? policy.GetDelay(retryNumber, failure.RetryAfter, Random.Shared) : TimeSpan.Zero;
            var budgetLeft = _options.RetryBudget - Stopwatch.GetElapsedTime(firstAttempt);
            if (!retryable || retriesDone >= policy.MaxRetries || delay >= budgetLeft)
            {
                var gaveUp = retryable && retriesDone > 0
                    ? $" (Gave up after {retriesDone} {(retriesDone == 1 ? "retry" : "retries")} in {Stopwatch.GetElapsedTime(firstAttempt).TotalSeconds:0.#} s.)"
                    : string.Empty;
                throw new HiApiException(HiApiErrorKind.PriceUnknown, $"Could not read HiAPI's price list: {failure.Message}{gaveUp}", failure)
                {
                    StatusCode = failure.StatusCode,
                    ErrorCode = failure.ErrorCode,
                };
            }

            Log?.Invoke($"GET {path}: {reason}; retry {retryNumber} of {policy.MaxRetries} in {delay.TotalSeconds:0.##} s");
            await policy.Delay(delay, ct).ConfigureAwait(false);
        }
    }

    private PriceList Parse(byte[] body, int status)
    {
        try
        {
            return PriceList.Parse(body, PriceListUri, TimeProvider.GetUtcNow());
        }
        catch (HiApiException unreadable)
        {
            throw new HiApiException(unreadable.Kind, unreadable.Message) { StatusCode = status };
        }
    }

    /// <summary>As <see cref="HiApiClient"/>: the request timeout, never past the retry budget, never under a second.</summary>
    private TimeSpan AttemptTimeout(long firstAttempt)
    {
        if (_options.RequestTimeout == Timeout.InfiniteTimeSpan)
        {
            return Timeout.InfiniteTimeSpan;
        }

        var left = _options.RetryBudget - Stopwatch.GetElapsedTime(firstAttempt);
        var floor = TimeSpan.FromSeconds(1) < _options.RequestTimeout ? TimeSpan.FromSeconds(1) : _options.RequestTimeout;
        return left < _options.RequestTimeout ? (left > floor ? left : floor) : _options.RequestTimeout;
    }

    /// <summary>At most <paramref name="limit"/> bytes: past it, an error page is cut (<paramref name="truncate"/>), a list refused.</summary>
    private static async Task<byte[]> ReadBodyAsync(HttpContent content, int limit, bool truncate, CancellationToken ct)
    {
        if (content.Headers.ContentLength > limit && !truncate)
        {
            throw new ResponseTooLargeException();
        }

        var stream = await content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var body = new MemoryStream();
            var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
            try
            {
                int read;
                while ((read = await stream.ReadAsync(chunk.AsMemory(), ct).ConfigureAwait(false)) > 0)
                {
                    if (body.Length + read > limit)
                    {
                        if (!truncate)
                        {
                            throw new ResponseTooLargeException();
                        }

                        body.Write(chunk, 0, (int)(limit - body.Length));
                        break;
                    }

                    body.Write(chunk, 0, read);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }

            return body.ToArray();
        }
    }

    private static long ElapsedMilliseconds(long started) => (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;

    private sealed class ResponseTooLargeException : Exception;
}
