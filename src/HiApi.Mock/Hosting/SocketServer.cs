using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using HiApi.Client;
using HttpProtocolException = HiApi.Client.HttpProtocolException;

namespace HiApi.Mock.Hosting;

/// <summary>
/// The stand-in's HTTP/1.1 server: a socket bound to 127.0.0.1 on a free port (never another interface, and no
/// HttpListener, which on Windows needs a URL reservation), one request per connection, answered with
/// <c>Connection: close</c>. Requests are read by the callback listener's hardened reader (<see cref="HttpConnection"/>):
/// bounded heads and bodies, deadlines, async all the way, so no thread waits on a slow peer.
/// </summary>
internal sealed class SocketServer : IAsyncDisposable
{
    private const int MaxHeadBytes = 16 * 1024;
    private const long MaxBodyBytes = 1024 * 1024;
    private const int Backlog = 512;
    private const int MaxConnections = 512;

    private static readonly TimeSpan HeadTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan BodyTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Linger = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

    private readonly Func<MockHttpRequest, CancellationToken, Task<MockHttpResponse>> _handle;
    private readonly Socket _listening;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<long, (Socket Socket, Task Serving)> _connections = new();
    private Task? _acceptLoop;
    private long _nextId;
    private int _open;
    private int _stopped;

    public SocketServer(Func<MockHttpRequest, CancellationToken, Task<MockHttpResponse>> handle)
    {
        _handle = handle;
        _listening = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (OperatingSystem.IsWindows())
            {
                // Nobody else may bind beside us on the same port and take our requests.
                _listening.ExclusiveAddressUse = true;
            }

            _listening.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _listening.Listen(Backlog);
        }
        catch
        {
            _listening.Dispose();
            throw;
        }

        Port = ((IPEndPoint)_listening.LocalEndPoint!).Port;
    }

    public int Port { get; }

    public void Start() => _acceptLoop = Task.Run(AcceptLoopAsync);

    /// <summary>Stops accepting, cuts what is still open after a short grace, and waits for the loop. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        _stopping.Cancel();
        _listening.Dispose();
        if (_acceptLoop is not null)
        {
            await _acceptLoop.ConfigureAwait(false);
        }

        var serving = _connections.Values.Select(c => c.Serving).ToArray();
        try
        {
            await Task.WhenAll(serving).WaitAsync(StopGrace).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            foreach (var (socket, _) in _connections.Values)
            {
                socket.Dispose();
            }
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket accepted;
            try
            {
                accepted = await _listening.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                if (_stopping.IsCancellationRequested)
                {
                    return;
                }

                // A connection reset before it was accepted, or out of descriptors: try again without spinning.
                await Task.Delay(50).ConfigureAwait(false);
                continue;
            }

            if (Interlocked.Increment(ref _open) > MaxConnections)
            {
                Interlocked.Decrement(ref _open);
                accepted.Dispose();
                continue;
            }

            var id = Interlocked.Increment(ref _nextId);
            var serving = Task.Run(() => ServeAsync(accepted));
            _connections[id] = (accepted, serving);
            _ = serving.ContinueWith(
                done =>
                {
                    _connections.TryRemove(id, out _);
                    Interlocked.Decrement(ref _open);
                },
                TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        var connection = new HttpConnection(socket);
        MockHttpResponse response;
        var isHead = false;
        try
        {
            var request = await ReadRequestAsync(connection).ConfigureAwait(false);
            if (request is null)
            {
                connection.Dispose();
                return;
            }

            isHead = request.IsHead;
            response = await _handle(request, _stopping.Token).ConfigureAwait(false);
        }
        catch (HttpProtocolException bad)
        {
            response = MockHttpResponse.PlainText(bad.Status, bad.Message);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // A peer that went silent or away, or the stand-in stopping: nobody to answer.
            connection.Dispose();
            return;
        }

        try
        {
            using var deadline = new CancellationTokenSource(AnswerTimeout);
            await SendAsync(socket, response.Head(), deadline.Token).ConfigureAwait(false);
            if (!isHead)
            {
                await SendAsync(socket, response.Body, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            connection.Dispose();
            return;
        }

        await connection.CloseAsync(Linger).ConfigureAwait(false);
    }

    /// <summary>The head within <see cref="HeadTimeout"/>, then the body within <see cref="BodyTimeout"/>; null when the peer sent nothing.</summary>
    private async Task<MockHttpRequest?> ReadRequestAsync(HttpConnection connection)
    {
        HttpRequestHead? head;
        using (var headDeadline = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token))
        {
            headDeadline.CancelAfter(HeadTimeout);
            head = await connection.ReadHeadAsync(MaxHeadBytes, headDeadline.Token).ConfigureAwait(false);
        }

        if (head is null)
        {
            return null;
        }

        if (head.ContentLength > MaxBodyBytes)
        {
            throw new HttpProtocolException(413, $"the body is larger than {MaxBodyBytes} bytes");
        }

        if (head.ContentLength <= 0 && !head.IsChunked)
        {
            return new MockHttpRequest(head, []);
        }

        using var bodyDeadline = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        bodyDeadline.CancelAfter(BodyTimeout);
        if (head.ExpectsContinue && head.IsHttp11)
        {
            await connection.SendContinueAsync(bodyDeadline.Token).ConfigureAwait(false);
        }

        var body = await connection.ReadBodyAsync(head, MaxBodyBytes, bodyDeadline.Token).ConfigureAwait(false)
            ?? throw new HttpProtocolException(413, $"the body is larger than {MaxBodyBytes} bytes");
        return new MockHttpRequest(head, body);
    }

    private static async Task SendAsync(Socket socket, byte[] data, CancellationToken ct)
    {
        var sent = 0;
        while (sent < data.Length)
        {
            sent += await socket.SendAsync(data.AsMemory(sent), SocketFlags.None, ct).ConfigureAwait(false);
        }
    }
}
