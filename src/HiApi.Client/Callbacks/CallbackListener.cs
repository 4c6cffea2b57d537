using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Threading.Channels;

namespace HiApi.Client;

/// <summary>
/// Receives HiAPI webhooks on <see cref="HttpListener"/> and answers each one at once, before anything is verified
/// or downloaded: the platform delivers best effort and a slow receiver invites re-deliveries. Every request becomes a
/// <see cref="CallbackReceipt"/> (a claimed task or a problem); a bad request never stops the loop.
/// </summary>
public sealed class CallbackListener : IAsyncDisposable
{
    /// <summary>Receipts nobody reads yet; beyond this, problem receipts are dropped (valid ones wait for room).</summary>
    private const int ReceiptCapacity = 1024;

    private static readonly TimeSpan DisposeGrace = TimeSpan.FromSeconds(5);

    private readonly CallbackListenerOptions _options;
    private readonly HttpListener _listener = new() { IgnoreWriteExceptions = true };
    private readonly Channel<CallbackReceipt> _receipts = Channel.CreateBounded<CallbackReceipt>(new BoundedChannelOptions(ReceiptCapacity)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = false,
        SingleWriter = false,
    });

    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<long, Task> _handlers = new();
    private readonly object _gate = new();
    private Task? _acceptLoop;
    private long _nextHandlerId;
    private bool _started;
    private bool _disposed;

    /// <exception cref="HiApiException">Kind <see cref="HiApiErrorKind.Configuration"/>: no prefix, or a prefix HttpListener rejects.</exception>
    public CallbackListener(CallbackListenerOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        if (options.Prefixes is null || options.Prefixes.Count == 0)
        {
            throw new HiApiException(HiApiErrorKind.Configuration, "A callback listener needs at least one prefix, e.g. http://+:8080/hooks/hiapi/.");
        }

        foreach (var prefix in options.Prefixes)
        {
            try
            {
                _listener.Prefixes.Add(prefix);
            }
            catch (Exception ex) when (ex is ArgumentException or HttpListenerException)
            {
                throw new HiApiException(
                    HiApiErrorKind.Configuration,
                    $"'{prefix}' is not a valid listener prefix: {ex.Message} A prefix looks like http://+:8080/hooks/hiapi/ (scheme, host or + or *, port, path ending with /).",
                    ex);
            }
        }
    }

    /// <summary>Every answered request, in the order answered. Completes when the listener is disposed.</summary>
    public ChannelReader<CallbackReceipt> Receipts => _receipts.Reader;

    public IReadOnlyList<string> Prefixes => _options.Prefixes;

    public bool IsListening
    {
        get
        {
            lock (_gate)
            {
                return _started && !_disposed;
            }
        }
    }

    /// <summary>Binds the prefixes and starts answering. A second call does nothing.</summary>
    /// <exception cref="HiApiException">Kind <see cref="HiApiErrorKind.Configuration"/>: a prefix cannot be bound (port in use, no permission).</exception>
    public void Start()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_started)
            {
                return;
            }

            try
            {
                _listener.Start();
            }
            catch (Exception ex) when (ex is HttpListenerException or System.Net.Sockets.SocketException or InvalidOperationException)
            {
                throw new HiApiException(
                    HiApiErrorKind.Configuration,
                    $"Cannot listen for callbacks on {string.Join(", ", _options.Prefixes)}: {ex.Message}. " +
                    "Is another program using that port? Ports below 1024 need elevated rights; on Windows, a prefix other than " +
                    "http://localhost:<port>/ needs an elevated session or a URL reservation (netsh http add urlacl url=<prefix> user=<you>).",
                    ex);
            }

            _started = true;
            _acceptLoop = Task.Run(AcceptLoopAsync);
        }
    }

    /// <summary>Stops listening (open connections are cut), waits briefly for requests being answered, then completes <see cref="Receipts"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        Task? acceptLoop;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            acceptLoop = _acceptLoop;
        }

        _stopping.Cancel();
        try
        {
            _listener.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
        {
        }

        if (acceptLoop is not null)
        {
            await acceptLoop.ConfigureAwait(false);
        }

        try
        {
            await Task.WhenAll(_handlers.Values.ToArray()).WaitAsync(DisposeGrace).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A handler stuck on a dead connection must not hold the caller; it ends when its socket does.
        }

        // _stopping is not disposed: a handler past the grace period may still read its token.
        _receipts.Writer.TryComplete();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                if (_stopping.IsCancellationRequested || !_listener.IsListening)
                {
                    return;
                }

                continue; // one broken connection; the listener itself is fine
            }

            var id = Interlocked.Increment(ref _nextHandlerId);
            var handler = HandleAsync(context);
            _handlers[id] = handler;
            _ = handler.ContinueWith(_ => _handlers.TryRemove(id, out Task? _), TaskScheduler.Default);
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var receivedAt = DateTimeOffset.UtcNow;
        var remote = RemoteAddressOf(context);
        try
        {
            var request = context.Request;
            if (!string.Equals(request.HttpMethod, "POST", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.AddHeader("Allow", "POST");
                await AnswerAsync(context, 405, "only POST is accepted", closeConnection: request.HasEntityBody).ConfigureAwait(false);
                Publish(new CallbackReceipt(receivedAt, remote, null, $"A {request.HttpMethod} request was refused with 405: only POST is accepted."));
                return;
            }

            var body = request.ContentLength64 > _options.MaxBodyBytes ? null : await ReadBodyAsync(context).ConfigureAwait(false);
            if (body is null)
            {
                // Connection: close, so the rest of the body is never read (HttpListener would drain it otherwise).
                await AnswerAsync(context, 413, $"the body is larger than {_options.MaxBodyBytes} bytes", closeConnection: true).ConfigureAwait(false);
                Publish(new CallbackReceipt(receivedAt, remote, null,
                    $"A body larger than {_options.MaxBodyBytes} bytes was refused with 413; reading stopped at the limit."));
                return;
            }

            var task = CallbackParser.TryParse(body, receivedAt, out var problem);
            if (task is null)
            {
                await AnswerAsync(context, 400, $"not a HiAPI task: {problem}", closeConnection: false).ConfigureAwait(false);
                Publish(new CallbackReceipt(receivedAt, remote, null, CallbackParser.Malformed(problem!, body).Message));
                return;
            }

            await AnswerAsync(context, 200, error: null, closeConnection: false).ConfigureAwait(false);
            await _receipts.Writer.WriteAsync(new CallbackReceipt(receivedAt, remote, task, null), _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Not a 200: a sender cut off mid-body must know its callback was not taken.
            await TryAnswerAsync(context, 503, "the receiver is stopping").ConfigureAwait(false);
        }
        catch (BodyTimeoutException)
        {
            await TryAnswerAsync(context, 408, $"the body did not arrive within {_options.BodyReadTimeout.TotalSeconds:0.##} s").ConfigureAwait(false);
            Publish(new CallbackReceipt(receivedAt, remote, null,
                $"The body did not arrive within {_options.BodyReadTimeout.TotalSeconds:0.##} s; answered 408 and closed the connection."));
        }
        catch (Exception ex) when (ex is IOException or HttpListenerException or ObjectDisposedException or InvalidOperationException)
        {
            // Usually the sender is gone; if not (say, broken chunked encoding), it learns its request failed.
            await TryAnswerAsync(context, 400, "the request could not be read").ConfigureAwait(false);
            if (!_stopping.IsCancellationRequested)
            {
                Publish(new CallbackReceipt(receivedAt, remote, null, $"The request failed before it was answered: {ex.Message}"));
            }
        }
    }

    /// <summary>The body, or null when it is larger than the limit (reading stops there).</summary>
    private async Task<byte[]?> ReadBodyAsync(HttpListenerContext context)
    {
        var limit = _options.MaxBodyBytes;
        var declared = context.Request.ContentLength64;
        using var output = new MemoryStream(declared > 0 ? (int)Math.Min(declared, 64 * 1024) : 4096);
        // Not pooled: after a timeout the abandoned read may still write into it.
        var chunk = new byte[(int)Math.Min(limit + 1, 16 * 1024)];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        timeout.CancelAfter(_options.BodyReadTimeout);
        var stream = context.Request.InputStream;
        long total = 0;
        while (true)
        {
            // HttpListener's request stream may ignore a token, so the wait is cancelled instead of the read; the
            // read ends when the answer closes the connection.
            var read = stream.ReadAsync(chunk, 0, chunk.Length);
            int count;
            try
            {
                count = await read.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _ = read.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
                _stopping.Token.ThrowIfCancellationRequested();
                throw new BodyTimeoutException();
            }

            if (count == 0)
            {
                return output.ToArray();
            }

            total += count;
            if (total > limit)
            {
                return null;
            }

            output.Write(chunk, 0, count);
        }
    }

    /// <summary>Answers and closes the connection if the answer has not started; otherwise just cuts it.</summary>
    private async Task TryAnswerAsync(HttpListenerContext context, int status, string error)
    {
        try
        {
            await AnswerAsync(context, status, error, closeConnection: true).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or HttpListenerException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
        {
            Abort(context);
        }
    }

    private async Task AnswerAsync(HttpListenerContext context, int status, string? error, bool closeConnection)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/json; charset=utf-8";
        if (closeConnection)
        {
            response.KeepAlive = false;
        }

        var body = AnswerBody(error);
        response.ContentLength64 = body.Length;
        // No token: the answer is a few bytes, and a 503 must still go out while stopping.
        await response.OutputStream.WriteAsync(body).ConfigureAwait(false);
        response.Close();
    }

    /// <summary><c>{"ok":true}</c>, or <c>{"ok":false,"error":"..."}</c> with the text JSON-escaped.</summary>
    private static byte[] AnswerBody(string? error)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteBoolean("ok", error is null);
            if (error is not null)
            {
                writer.WriteString("error", error);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Problems are dropped when nobody reads: a flood of junk must not grow memory without bound.</summary>
    private void Publish(CallbackReceipt problemReceipt) => _receipts.Writer.TryWrite(problemReceipt);

    private static string? RemoteAddressOf(HttpListenerContext context)
    {
        try
        {
            return context.Request.RemoteEndPoint?.Address.ToString();
        }
        catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            return null;
        }
    }

    private static void Abort(HttpListenerContext context)
    {
        try
        {
            context.Response.Abort();
        }
        catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException or HttpListenerException or IOException)
        {
        }
    }

    private sealed class BodyTimeoutException : Exception
    {
    }
}
