using System.Collections.Concurrent;
using System.Net;

namespace HiApi.Client;

/// <summary>
/// One <see cref="HttpClient"/> per scheme://host:port for the whole process, so successive cmdlets
/// reuse warm connections instead of paying a TLS handshake each time (and never exhaust sockets).
/// API and storage clients are separate: downloads must not decompress (byte counts are checked
/// against Content-Length and the MP4 structure). Neither follows redirects by itself: a redirected API
/// call is reported, and the downloader follows storage redirects itself, checking every hop first.
/// Every client goes through <see cref="LoopbackBypassingProxy"/>: the user's proxy, but never for a loopback host.
/// </summary>
internal static class HttpClientPool
{
    private static readonly ConcurrentDictionary<string, Lazy<HttpClient>> ApiClients = new(StringComparer.OrdinalIgnoreCase);
    private static readonly ConcurrentDictionary<string, Lazy<HttpClient>> DownloadClients = new(StringComparer.OrdinalIgnoreCase);

    public static HttpClient For(Uri baseUri) =>
        ApiClients.GetOrAdd(KeyOf(baseUri), static _ => new Lazy<HttpClient>(CreateApiClient)).Value;

    public static HttpClient ForDownload(Uri url) =>
        DownloadClients.GetOrAdd(KeyOf(url), static _ => new Lazy<HttpClient>(CreateDownloadClient)).Value;

    internal static string KeyOf(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.IsAbsoluteUri)
        {
            throw new ArgumentException("An absolute URI is required.", nameof(uri));
        }

        return $"{uri.Scheme}://{uri.IdnHost}:{uri.Port}".ToLowerInvariant();
    }

    private static HttpClient CreateApiClient() => Create(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5), // picks up DNS changes
        ConnectTimeout = TimeSpan.FromSeconds(15),
        MaxConnectionsPerServer = 64,
        // API answers are a few hundred bytes: compression would save nothing and cost a header and a wrapper per call.
        AutomaticDecompression = DecompressionMethods.None,
        // A redirected request would carry the key somewhere unexpected; report it instead.
        AllowAutoRedirect = false,
        UseProxy = true,
        Proxy = LoopbackBypassingProxy.Instance,
    });

    private static HttpClient CreateDownloadClient() => Create(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(15),
        MaxConnectionsPerServer = 64,
        AutomaticDecompression = DecompressionMethods.None,
        // The handler would send a GET to whatever a Location says (ftp://host becomes http://host:21) or throw a
        // raw UriFormatException; VideoTransfer follows only absolute http(s) targets, at most five.
        AllowAutoRedirect = false,
        UseProxy = true,
        Proxy = LoopbackBypassingProxy.Instance,
    });

    private static HttpClient Create(HttpMessageHandler handler) => new(handler, disposeHandler: true)
    {
        // Per-request timeouts come from a linked token: a download may legitimately take minutes.
        Timeout = Timeout.InfiniteTimeSpan,
    };
}
