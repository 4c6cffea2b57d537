using System.Net;
using System.Net.Sockets;
using System.Text;

namespace HiApi.Client.Tests;

/// <summary>A started <see cref="CallbackListener"/> on a free loopback port, and a proxy-free client to call it.</summary>
public sealed class CallbackEndpoint : IAsyncDisposable
{
    private CallbackEndpoint(CallbackListener listener, Uri url)
    {
        Listener = listener;
        Url = url;
    }

    public CallbackListener Listener { get; }

    /// <summary><c>http://127.0.0.1:&lt;port&gt;/hooks/</c> (or the named host): what tasks use as their callback URL.</summary>
    public Uri Url { get; }

    /// <summary>No proxy: an environment proxy must not swallow loopback calls.</summary>
    public HttpClient Http { get; } = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };

    public static CallbackEndpoint Create(
        long maxBodyBytes = 1024 * 1024,
        bool start = true,
        TimeSpan? bodyReadTimeout = null,
        TimeSpan? headReadTimeout = null,
        int maxConnections = 256,
        WebhookSecret? secret = null,
        string host = "127.0.0.1",
        int maxConnectionsPerPeer = 64,
        TimeSpan? idleTimeout = null,
        int maxIdleConnections = 1024)
    {
        // The free port is found by binding port 0 and releasing it; another test may grab it in between, so retry.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            // Callers reach a wildcard prefix through IPv4 loopback; a named host by its name (its Host header must match).
            var url = new Uri($"http://{(host is "+" or "*" ? "127.0.0.1" : host)}:{port}/hooks/");
            var listener = new CallbackListener(new CallbackListenerOptions
            {
                Prefixes = new[] { $"http://{host}:{port}/hooks/" },
                MaxBodyBytes = maxBodyBytes,
                BodyReadTimeout = bodyReadTimeout ?? TimeSpan.FromSeconds(30),
                HeadReadTimeout = headReadTimeout ?? TimeSpan.FromSeconds(10),
                MaxConnections = maxConnections,
                MaxConnectionsPerPeer = maxConnectionsPerPeer,
                MaxIdleConnections = maxIdleConnections,
                IdleTimeout = idleTimeout ?? TimeSpan.FromSeconds(3),
                WebhookSecret = secret,
            });
            try
            {
                if (start)
                {
                    listener.Start();
                }

                return new CallbackEndpoint(listener, url);
            }
            catch (HiApiException) when (attempt < 5)
            {
                listener.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }
    }

    public static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        try
        {
            return ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        finally
        {
            probe.Stop();
        }
    }

    public Task<HttpResponseMessage> PostAsync(string body) =>
        Http.SendAsync(Request(new StringContent(body, Encoding.UTF8, "application/json")));

    /// <summary>
    /// A POST to <see cref="Url"/>. A host name no resolver knows (a named prefix such as hooks.test) is reached on
    /// 127.0.0.1 with that name in the Host header, as a proxy in front would send it.
    /// </summary>
    private HttpRequestMessage Request(HttpContent content)
    {
        if (Url.HostNameType != UriHostNameType.Dns || Url.IsLoopback)
        {
            return new HttpRequestMessage(HttpMethod.Post, Url) { Content = content };
        }

        var request = new HttpRequestMessage(HttpMethod.Post, new UriBuilder(Url) { Host = "127.0.0.1" }.Uri) { Content = content };
        request.Headers.Host = Url.Authority;
        return request;
    }

    /// <summary>POSTs <paramref name="body"/> as HiAPI would with a signing key: timestamp and signature headers.</summary>
    public Task<HttpResponseMessage> PostSignedAsync(string body, WebhookSecret secret, DateTimeOffset? signedAt = null)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var timestamp = (signedAt ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        var request = Request(content);
        request.Headers.Add(CallbackSignature.TimestampHeader, timestamp);
        request.Headers.Add(CallbackSignature.SignatureHeader, CallbackSignature.Compute(secret, timestamp, bytes));
        return Http.SendAsync(request);
    }

    /// <summary>A plain TCP connection to the listener, for requests written by hand.</summary>
    public async Task<TcpClient> ConnectAsync()
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Url.Port);
        return client;
    }

    /// <summary>Sends raw bytes on a new connection and returns everything the listener answered until it closed.</summary>
    public Task<string> SendRawAsync(string request, TimeSpan? limit = null) => RawHttp.SendAsync(Url.Port, request, limit);

    /// <summary>The next receipt, failing the test instead of hanging when none comes.</summary>
    public async Task<CallbackReceipt> NextReceiptAsync() =>
        await Listener.Receipts.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Listener.DisposeAsync();
    }
}
