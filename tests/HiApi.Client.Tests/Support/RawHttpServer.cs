using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace HiApi.Client.Tests;

/// <summary>
/// A tiny HTTP/1.1 server on a loopback port that answers each request with the bytes a test gives, then closes the
/// connection: for what the module's own pooled client does with real sockets (redirects it must not follow by
/// itself), which an in-memory handler cannot show.
/// </summary>
public sealed class RawHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<string, int, byte[]> _respond;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <param name="respond">Given the request head (request line and headers) and its index, the whole response.</param>
    public RawHttpServer(Func<string, int, byte[]> respond)
    {
        _respond = respond;
        _listener.Start();
        _loop = AcceptAsync();
    }

    public Uri BaseAddress => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    /// <summary>Request heads in arrival order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    public static byte[] Response(string statusLine, string headers = "", byte[]? body = null)
    {
        body ??= [];
        var head = $"HTTP/1.1 {statusLine}\r\n{headers}Content-Length: {body.Length}\r\nConnection: close\r\n\r\n";
        return [.. Encoding.ASCII.GetBytes(head), .. body];
    }

    private async Task AcceptAsync()
    {
        var index = 0;
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            using (client)
            {
                var stream = client.GetStream();
                var head = await ReadHeadAsync(stream);
                Requests.Enqueue(head);
                await stream.WriteAsync(_respond(head, index++));
                await stream.FlushAsync();
            }
        }
    }

    private static async Task<string> ReadHeadAsync(NetworkStream stream)
    {
        var received = new List<byte>();
        var buffer = new byte[1];
        while (await stream.ReadAsync(buffer) == 1)
        {
            received.Add(buffer[0]);
            if (received.Count >= 4 && received[^4] == '\r' && received[^3] == '\n' && received[^2] == '\r' && received[^1] == '\n')
            {
                break;
            }
        }

        return Encoding.ASCII.GetString(received.ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}
