using System.Net;
using System.Net.Sockets;
using System.Text;

namespace HiApi.Client.Tests;

/// <summary>
/// Connections that tie a listener up without ever making a callback: a Host no prefix names with a body trickled
/// a byte at a time, a request head trickled a byte at a time, or nothing at all after connecting. Each one runs until
/// disposed or until the listener cuts it.
/// </summary>
public sealed class JunkConnections : IAsyncDisposable
{
    private static readonly TimeSpan TrickleInterval = TimeSpan.FromMilliseconds(400);

    private readonly List<TcpClient> _clients = new();
    private readonly List<Task> _tricklers = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly int _port;
    private readonly string _path;
    private readonly bool _onlyWrongHost;

    /// <param name="onlyWrongHost">Every connection names a Host no prefix has (the path that starved HttpListener).</param>
    public JunkConnections(Uri endpoint, bool onlyWrongHost = false)
    {
        _port = endpoint.Port;
        _path = endpoint.AbsolutePath;
        _onlyWrongHost = onlyWrongHost;
    }

    public int Opened => _clients.Count;

    /// <summary>Opens <paramref name="count"/> connections, cycling through the three kinds of junk (or only the first).</summary>
    public async Task OpenAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var client = new TcpClient { NoDelay = true };
            await client.ConnectAsync(IPAddress.Loopback, _port);
            _clients.Add(client);
            var kind = _onlyWrongHost ? 0 : _clients.Count % 3;
            _tricklers.Add(Task.Run(() => kind switch
            {
                0 => TrickleAsync(client, $"POST {_path} HTTP/1.1\r\nHost: elsewhere.example:{_port}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n", new string('x', 100000)),
                1 => TrickleAsync(client, string.Empty, $"POST {_path} HTTP/1.1\r\nHost: 127.0.0.1:{_port}\r\nX-Padding: {new string('y', 10000)}\r\n\r\n"),
                _ => Task.CompletedTask, // connected, then silent
            }));
        }
    }

    private async Task TrickleAsync(TcpClient client, string atOnce, string slowly)
    {
        try
        {
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(atOnce), _stop.Token);
            foreach (var character in slowly)
            {
                await Task.Delay(TrickleInterval, _stop.Token);
                await stream.WriteAsync(new[] { (byte)character }, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Cut by the listener (what a deadline should do) or stopped by the test.
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        await Task.WhenAll(_tricklers).WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }
}
