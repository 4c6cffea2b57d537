using System.Net;
using System.Net.Sockets;
using HiApi.Client;

namespace HiApi.Bench.Scenarios;

/// <summary>
/// The module's callback path: a <see cref="CallbackListener"/> on a loopback port and a <see cref="CallbackReceiver"/>
/// with default <see cref="CallbackReceiverOptions"/> (it verifies every callback with a GET; its sweeper polls a task
/// only 10 minutes after submission). Each submitted task is awaited; duplicates and ignored requests are skipped.
/// </summary>
internal sealed class CallbackSource : IFinishedTaskSource
{
    private readonly CallbackListener _listener;
    private readonly CallbackReceiver _receiver;
    private int _added;
    private int _ended;
    private bool _addingCompleted;

    public CallbackSource(HiApiClient client)
    {
        var port = FreePort();
        CallbackUrl = $"http://127.0.0.1:{port}/hooks/hiapi/";
        _listener = new CallbackListener(new CallbackListenerOptions { Prefixes = new[] { CallbackUrl } });
        // Every task this run submits is awaited, so no other id may be trusted.
        _receiver = new CallbackReceiver(client, _listener, _ => null, new CallbackReceiverOptions());
        _receiver.Start();
    }

    /// <summary>What the tasks carry as <c>callback.url</c>.</summary>
    public string CallbackUrl { get; }

    public int Ignored { get; private set; }

    public int FoundBySweeper { get; private set; }

    public void Add(HiApiTask task)
    {
        _added++;
        _receiver.Await(task);
    }

    public void CompleteAdding() => _addingCompleted = true;

    public bool TryRead(out FinishedTask? finished)
    {
        while (_receiver.TryRead(out var callbackEvent) && callbackEvent is not null)
        {
            if ((finished = Final(callbackEvent)) is not null)
            {
                return true;
            }
        }

        finished = null;
        return false;
    }

    public async ValueTask<FinishedTask?> ReadAsync(CancellationToken ct)
    {
        while (!(_addingCompleted && _ended >= _added) && await _receiver.ReadAsync(ct) is { } callbackEvent)
        {
            if (Final(callbackEvent) is { } finished)
            {
                return finished;
            }
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _listener.DisposeAsync();
    }

    /// <summary>The task's final word, or null for an event that ends nothing (ignored, or a failed verification the sweeper will retry).</summary>
    private FinishedTask? Final(CallbackEvent callbackEvent)
    {
        var final = callbackEvent.Kind switch
        {
            CallbackEventKind.Succeeded or CallbackEventKind.Failed or CallbackEventKind.TimedOut => true,
            CallbackEventKind.Errored => callbackEvent.FromSweeper,
            _ => false,
        };
        if (!final || callbackEvent.Task is null)
        {
            Ignored++;
            return null;
        }

        _ended++;
        if (callbackEvent.FromSweeper)
        {
            FoundBySweeper++;
        }

        return new FinishedTask(callbackEvent.Task, callbackEvent.Kind == CallbackEventKind.Succeeded, callbackEvent.ToString());
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
