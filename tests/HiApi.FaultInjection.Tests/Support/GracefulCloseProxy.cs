using System.Net;
using System.Net.Sockets;

namespace HiApi.FaultInjection.Tests.Support;

/// <summary>
/// A loopback TCP relay in front of the emulator that counts client connections and, when the emulator drops
/// a connection (a reset), closes the client's side gracefully instead, as many proxies and load balancers
/// do. That clean end of stream before any answer byte is the one case in which .NET's SocketsHttpHandler
/// may transparently send a request again on a fresh connection; an aborted Kestrel connection (a reset)
/// never triggers it, so without this relay a test could not tell whether a re-send would happen.
/// </summary>
public sealed class GracefulCloseProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IPEndPoint _upstream;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _relays = new();
    private readonly Task _acceptLoop;
    private int _connections;

    private GracefulCloseProxy(Uri upstream)
    {
        _upstream = new IPEndPoint(IPAddress.Loopback, upstream.Port);
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _acceptLoop = AcceptAsync();
    }

    /// <summary>Where clients connect, e.g. <c>http://127.0.0.1:41235/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>TCP connections clients opened through the relay.</summary>
    public int Connections => Volatile.Read(ref _connections);

    public static GracefulCloseProxy Start(Uri upstream) => new(upstream);

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        _listener.Stop();
        await _acceptLoop.ConfigureAwait(false);
        Task[] relays;
        lock (_relays)
        {
            relays = _relays.ToArray();
        }

        await Task.WhenAll(relays).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception stopped) when (stopped is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _connections);
            lock (_relays)
            {
                _relays.Add(RelayAsync(client));
            }
        }
    }

    private async Task RelayAsync(Socket client)
    {
        using var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using (client)
        {
            client.NoDelay = true;
            try
            {
                await upstream.ConnectAsync(_upstream, _stopping.Token).ConfigureAwait(false);
                using var done = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
                var toServer = PumpAsync(client, upstream, done.Token);
                var toClient = PumpAsync(upstream, client, done.Token);
                await Task.WhenAny(toServer, toClient).ConfigureAwait(false);
                done.Cancel();
                await Task.WhenAll(toServer, toClient).ConfigureAwait(false);
            }
            catch (Exception ended) when (ended is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }

            // Graceful close towards the client whatever happened upstream: FIN, never RST.
            try
            {
                client.Shutdown(SocketShutdown.Both);
            }
            catch (Exception closed) when (closed is SocketException or ObjectDisposedException)
            {
            }
        }
    }

    private static async Task PumpAsync(Socket from, Socket to, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, ct).ConfigureAwait(false);
                if (read == 0)
                {
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, ct).ConfigureAwait(false);
            }
        }
        catch (Exception ended) when (ended is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }
}
