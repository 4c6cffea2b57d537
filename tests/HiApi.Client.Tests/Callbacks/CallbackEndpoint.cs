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

    /// <summary><c>http://127.0.0.1:&lt;port&gt;/hooks/</c>: what tasks use as their callback URL.</summary>
    public Uri Url { get; }

    /// <summary>No proxy: an environment proxy must not swallow loopback calls.</summary>
    public HttpClient Http { get; } = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };

    public static CallbackEndpoint Create(long maxBodyBytes = 1024 * 1024, bool start = true, TimeSpan? bodyReadTimeout = null)
    {
        // The free port is found by binding port 0 and releasing it; another test may grab it in between, so retry.
        for (var attempt = 1; ; attempt++)
        {
            var url = new Uri($"http://127.0.0.1:{FreePort()}/hooks/");
            var listener = new CallbackListener(new CallbackListenerOptions
            {
                Prefixes = new[] { url.ToString() },
                MaxBodyBytes = maxBodyBytes,
                BodyReadTimeout = bodyReadTimeout ?? TimeSpan.FromSeconds(30),
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
        Http.PostAsync(Url, new StringContent(body, Encoding.UTF8, "application/json"));

    /// <summary>The next receipt, failing the test instead of hanging when none comes.</summary>
    public async Task<CallbackReceipt> NextReceiptAsync() =>
        await Listener.Receipts.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Listener.DisposeAsync();
    }
}
