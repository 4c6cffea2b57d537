using System.Net;
using System.Net.Sockets;

namespace HiApi.Client.Tests;

/// <summary>
/// An attacker that holds <c>count</c> connections open to the listener without ever sending a byte: each one the
/// listener closes is opened again after a short, jittered pause, so the listener always faces about that many.
/// </summary>
public sealed class SilentConnections : IAsyncDisposable
{
    private readonly int _port;
    private readonly int _count;
    private readonly TimeSpan _reopenAfter;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _holders = new();
    private long _opened;
    private long _closedByListener;
    private int _open;

    public SilentConnections(int port, int count, TimeSpan reopenAfter)
    {
        _port = port;
        _count = count;
        _reopenAfter = reopenAfter;
    }

    /// <summary>Connections opened so far, the first ones included.</summary>
    public long Opened => Interlocked.Read(ref _opened);

    /// <summary>Connections the listener closed (each is then opened again).</summary>
    public long ClosedByListener => Interlocked.Read(ref _closedByListener);

    /// <summary>Connections open on this side right now.</summary>
    public int OpenNow => Volatile.Read(ref _open);

    /// <summary>Opens all of them (each connect completes once the kernel has queued it) and keeps them open.</summary>
    public async Task StartAsync()
    {
        var first = new List<Task>();
        for (var i = 0; i < _count; i++)
        {
            var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            first.Add(connected.Task);
            _holders.Add(Task.Run(() => HoldAsync(connected)));
        }

        await Task.WhenAll(first).WaitAsync(TimeSpan.FromSeconds(60));
    }

    private async Task HoldAsync(TaskCompletionSource firstConnect)
    {
        var buffer = new byte[1];
        while (!_stop.IsCancellationRequested)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _port), _stop.Token);
                Interlocked.Increment(ref _opened);
                Interlocked.Increment(ref _open);
                firstConnect.TrySetResult();
                try
                {
                    // Sends nothing; returns when the listener closes the connection.
                    await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                    Interlocked.Increment(ref _closedByListener);
                }
                finally
                {
                    Interlocked.Decrement(ref _open);
                }
            }
            catch (SocketException)
            {
                Interlocked.Increment(ref _closedByListener);
                firstConnect.TrySetResult(); // a connect refused by a full queue still counts as an attempt
            }
            catch (OperationCanceledException)
            {
                firstConnect.TrySetResult();
                return;
            }

            try
            {
                await Task.Delay(_reopenAfter * (0.5 + Random.Shared.NextDouble()), _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await Task.WhenAll(_holders).WaitAsync(TimeSpan.FromSeconds(30));
        _stop.Dispose();
    }
}
