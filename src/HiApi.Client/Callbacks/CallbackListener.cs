using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace HiApi.Client;

/// <summary>
/// Receives HiAPI webhooks on a small HTTP/1.1 server of its own (plain sockets, async all the way) and answers each
/// one at once, before anything is verified or downloaded: the platform delivers best effort and a slow receiver
/// invites re-deliveries. Every request to a prefix becomes a <see cref="CallbackReceipt"/> (a claimed task or a
/// problem); a bad request never stops the loop.
/// </summary>
/// <remarks>
/// Not <see cref="HttpListener"/>: on Unix its managed implementation answers a request whose Host matches no prefix
/// by reading the rest of the body synchronously on a thread-pool thread, so a few dozen slow senders starve the pool
/// and delay every real callback by seconds. Here no thread waits on a connection, every connection has deadlines
/// (a short one until its first byte, then for its head and body), and their number is capped in a way that lets a
/// newcomer displace a silent or slow connection instead of being refused (<see cref="ConnectionAdmission"/>). It also
/// needs no URL reservation on Windows.
/// </remarks>
public sealed class CallbackListener : IAsyncDisposable
{
    /// <summary>Receipts nobody reads yet; beyond this, problem receipts are dropped (valid ones wait for room).</summary>
    private const int ReceiptCapacity = 1024;

    private const int MaxHeadBytes = 16 * 1024;
    private const int Backlog = 512;

    private static readonly TimeSpan DisposeGrace = TimeSpan.FromSeconds(5);

    /// <summary>How long an answered connection is drained before it is closed (see <see cref="HttpConnection.CloseAsync"/>).</summary>
    private static readonly TimeSpan Linger = TimeSpan.FromSeconds(2);

    /// <summary>An answer is a few bytes; a peer that does not take them in this long is cut off.</summary>
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Written without a read or an allocation when every open connection is being answered.</summary>
    private static readonly byte[] BusyAnswer = Encoding.ASCII.GetBytes(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: 42\r\n" +
        "Retry-After: 1\r\nConnection: close\r\n\r\n{\"ok\":false,\"error\":\"too many connections\"}");

    private readonly CallbackListenerOptions _options;

    /// <summary>The signing key, kept out of receipts: HiAPI signs with it and a body may repeat it.</summary>
    private readonly SecretRedactor _secrets;
    private readonly IReadOnlyList<ListenerPrefix> _prefixes;
    private readonly Channel<CallbackReceipt> _receipts = Channel.CreateBounded<CallbackReceipt>(new BoundedChannelOptions(ReceiptCapacity)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = false,
        SingleWriter = false,
    });

    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<long, (HttpConnection Connection, Task Serving)> _connections = new();
    private readonly List<Socket> _sockets = new();
    private readonly List<Task> _acceptLoops = new();
    private readonly object _gate = new();
    private readonly ConnectionAdmission _admission;
    private long _nextConnectionId;
    private bool _started;
    private bool _disposed;

    /// <exception cref="HiApiException">Kind <see cref="HiApiErrorKind.Configuration"/>: no prefix, a malformed one, or https.</exception>
    public CallbackListener(CallbackListenerOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _secrets = options.WebhookSecret?.Redactor ?? SecretRedactor.None;
        if (options.Prefixes is null || options.Prefixes.Count == 0)
        {
            throw new HiApiException(HiApiErrorKind.Configuration, "A callback listener needs at least one prefix, e.g. http://+:8080/hooks/hiapi/.");
        }

        _prefixes = options.Prefixes.Select(ListenerPrefix.Parse).ToList();
        _admission = new ConnectionAdmission(options.MaxIdleConnections, options.MaxConnections, options.MaxConnectionsPerPeer);
    }

    /// <summary>How long a connection that sends nothing is kept.</summary>
    public TimeSpan IdleTimeout => _options.IdleTimeout;

    /// <summary>Connections open now that have not sent a byte yet.</summary>
    public int IdleConnections => _admission.IdleCount;

    /// <summary>Connections open now that have spoken (being read, answered or closed).</summary>
    public int ActiveConnections => _admission.ActiveCount;

    /// <summary>Connections cut since the start to make room for newer ones (silent or slow ones, answered ones lingering).</summary>
    public long EvictedConnections => _admission.Evicted;

    /// <summary>Connections refused with 503 since the start, because every place held a request being answered.</summary>
    public long RefusedConnections => _admission.Refused;

    /// <summary>Every answered request to a prefix, in the order answered. Completes when the listener is disposed.</summary>
    public ChannelReader<CallbackReceipt> Receipts => _receipts.Reader;

    public IReadOnlyList<string> Prefixes => _options.Prefixes;

    /// <summary>True when a webhook signing key is configured: unsigned callbacks are refused.</summary>
    public bool RequiresSignature => _options.WebhookSecret is not null;

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

    /// <summary>Binds the prefixes' addresses and starts answering. A second call does nothing.</summary>
    /// <exception cref="HiApiException">Kind <see cref="HiApiErrorKind.Configuration"/>: an address cannot be bound (port in use, no permission).</exception>
    public void Start()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_started)
            {
                return;
            }

            var port = 0;
            try
            {
                foreach (var endpoint in ListenerBindings.Plan(_prefixes))
                {
                    port = endpoint.Port;
                    if (ListenerBindings.Bind(endpoint, Backlog, _options.Platform, _options.Listen) is { } socket)
                    {
                        _sockets.Add(socket);
                    }
                }
            }
            catch (SocketException ex)
            {
                CloseSockets();
                throw ListenerBindError.Create(_options.Prefixes, port, ex, _options.Platform);
            }

            _started = true;
            foreach (var socket in _sockets)
            {
                _acceptLoops.Add(Task.Run(() => AcceptLoopAsync(socket)));
            }
        }
    }

    /// <summary>Stops listening (open connections are cut), waits briefly for requests being answered, then completes <see cref="Receipts"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _stopping.Cancel();
        lock (_gate)
        {
            CloseSockets();
        }

        await Task.WhenAll(_acceptLoops).ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_connections.Values.Select(c => c.Serving).ToArray()).WaitAsync(DisposeGrace).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A peer that does not take its answer must not hold the caller.
            foreach (var (connection, _) in _connections.Values)
            {
                connection.Dispose();
            }
        }

        // _stopping is not disposed: a connection past the grace period may still read its token.
        _receipts.Writer.TryComplete();
    }

    private void CloseSockets()
    {
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }
    }

    private async Task AcceptLoopAsync(Socket listening)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket accepted;
            try
            {
                accepted = await listening.AcceptAsync(_stopping.Token).ConfigureAwait(false);
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

                // Out of file descriptors, or a connection reset before it was accepted: try again, without spinning.
                await Task.Delay(50).ConfigureAwait(false);
                continue;
            }

            var connection = new HttpConnection(accepted);
            if (!_admission.TryAdmit(connection))
            {
                RefuseBusy(accepted);
                continue;
            }

            var id = Interlocked.Increment(ref _nextConnectionId);
            var serving = Task.Run(() => ServeAsync(connection));
            _connections[id] = (connection, serving);
            _ = serving.ContinueWith(
                _ =>
                {
                    _connections.TryRemove(id, out (HttpConnection, Task) _);
                    _admission.Release(connection);
                },
                TaskScheduler.Default);
        }
    }

    /// <summary>The 503 of <see cref="RefuseBusy"/> to a connection already being served; a cut one is simply gone.</summary>
    private static async Task AnswerBusyAsync(HttpConnection connection)
    {
        if (connection.WasEvicted)
        {
            return;
        }

        await AnswerAndCloseAsync(connection, 503, "too many connections", "Retry-After: 1").ConfigureAwait(false);
    }

    /// <summary>A fixed answer into an empty send buffer never waits; the request is never read.</summary>
    private static void RefuseBusy(Socket accepted)
    {
        try
        {
            accepted.Blocking = false;
            accepted.Send(BusyAnswer, SocketFlags.None, out _);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            accepted.Dispose();
        }
    }

    private async Task ServeAsync(HttpConnection connection)
    {
        HttpRequestHead? head;
        var opened = Stopwatch.GetTimestamp();
        using (var headDeadline = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token))
        {
            headDeadline.CancelAfter(_options.IdleTimeout < _options.HeadReadTimeout ? _options.IdleTimeout : _options.HeadReadTimeout);
            try
            {
                await connection.WaitForDataAsync(headDeadline.Token).ConfigureAwait(false);
                if (!_admission.TryPromote(connection))
                {
                    // Cut meanwhile (then this is already disposed), or every place holds a request being answered.
                    await AnswerBusyAsync(connection).ConfigureAwait(false);
                    return;
                }

                connection.Stage = ConnectionStage.ReadingHead;
                var headTimeLeft = _options.HeadReadTimeout - Stopwatch.GetElapsedTime(opened);
                headDeadline.CancelAfter(headTimeLeft > TimeSpan.Zero ? headTimeLeft : TimeSpan.Zero);
                head = await connection.ReadHeadAsync(MaxHeadBytes, headDeadline.Token).ConfigureAwait(false);
            }
            catch (HttpProtocolException bad)
            {
                await AnswerAndCloseAsync(connection, bad.Status, bad.Message).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (!_stopping.IsCancellationRequested && connection.ReceivedAnything)
            {
                await AnswerAndCloseAsync(connection, 408, $"the request head did not arrive within {Seconds(_options.HeadReadTimeout)} s").ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
                connection.Dispose();
                return;
            }
        }

        if (head is null)
        {
            connection.Dispose();
            return;
        }

        // Not a receipt: scanners and misrouted requests are not callbacks, and must not flood the warnings.
        if (!_prefixes.Any(prefix => prefix.Takes(head.Authority, connection.IsFromThisComputer) && prefix.MatchesPath(head.Path)))
        {
            connection.Stage = ConnectionStage.Answering;
            await AnswerAndCloseAsync(connection, 404, "no callback listener at this address").ConfigureAwait(false);
            return;
        }

        await HandleAsync(connection, head).ConfigureAwait(false);
    }

    // A refusal's receipt is published before the answer goes out: closing lingers, and a sender that sends its next
    // request on the answer must find the receipts in the order it sent them.
    private async Task HandleAsync(HttpConnection connection, HttpRequestHead head)
    {
        var receivedAt = DateTimeOffset.UtcNow;
        var remote = connection.RemoteAddress;
        try
        {
            connection.Stage = ConnectionStage.ReadingBody;
            if (!string.Equals(head.Method, "POST", StringComparison.OrdinalIgnoreCase))
            {
                Publish(new CallbackReceipt(receivedAt, remote, null, $"A {head.Method} request was refused with 405: only POST is accepted."));
                await AnswerAndCloseAsync(connection, 405, "only POST is accepted", "Allow: POST").ConfigureAwait(false);
                return;
            }

            if (head.ContentLength < 0 && !head.IsChunked)
            {
                Publish(new CallbackReceipt(receivedAt, remote, null, "A POST without a Content-Length or chunked body was refused with 411."));
                await AnswerAndCloseAsync(connection, 411, "a Content-Length or a chunked body is required").ConfigureAwait(false);
                return;
            }

            var body = await ReadBodyAsync(connection, head).ConfigureAwait(false);
            connection.Stage = ConnectionStage.Answering;
            if (body is null)
            {
                // The rest of the body is never read: the answer goes out and the connection closes.
                Publish(new CallbackReceipt(receivedAt, remote, null,
                    $"A body larger than {_options.MaxBodyBytes} bytes was refused with 413; reading stopped at the limit."));
                await AnswerAndCloseAsync(connection, 413, $"the body is larger than {_options.MaxBodyBytes} bytes").ConfigureAwait(false);
                return;
            }

            var signature = CallbackSignatureCheck.NotChecked;
            if (_options.WebhookSecret is { } secret)
            {
                if (!CallbackSignature.TryVerify(secret, head[CallbackSignature.TimestampHeader], head[CallbackSignature.SignatureHeader], body, receivedAt, out var why))
                {
                    // The same few words whatever failed: the sender learns nothing that helps it forge.
                    Publish(new CallbackReceipt(receivedAt, remote, null, $"refused with 401 because {why}; nothing was fetched.")
                    {
                        Signature = CallbackSignatureCheck.Invalid,
                    });
                    await AnswerAndCloseAsync(connection, 401, "invalid signature").ConfigureAwait(false);
                    return;
                }

                signature = CallbackSignatureCheck.Valid;
            }

            var task = CallbackParser.TryParse(body, receivedAt, _secrets, out var problem);
            if (task is null)
            {
                Publish(new CallbackReceipt(receivedAt, remote, null, CallbackParser.Malformed(problem!, body, _secrets).Message) { Signature = signature });
                await AnswerAndCloseAsync(connection, 400, $"not a HiAPI task: {problem}").ConfigureAwait(false);
                return;
            }

            await AnswerAsync(connection, 200, error: null).ConfigureAwait(false);
            connection.Stage = ConnectionStage.Closing; // answered: the receipt may wait for a reader, the sender need not
            try
            {
                await _receipts.Writer.WriteAsync(new CallbackReceipt(receivedAt, remote, task, null) { Signature = signature }, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping with nobody reading: the task stays in the ledger, and a sweep or Get-HiApiTask finds it.
            }

            await connection.CloseAsync(Linger).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Not a 200: a sender cut off mid-body must know its callback was not taken.
            await AnswerAndCloseAsync(connection, 503, "the receiver is stopping").ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Publish(new CallbackReceipt(receivedAt, remote, null,
                $"The body did not arrive within {Seconds(_options.BodyReadTimeout)} s; answered 408 and closed the connection."));
            await AnswerAndCloseAsync(connection, 408, $"the body did not arrive within {Seconds(_options.BodyReadTimeout)} s").ConfigureAwait(false);
        }
        catch (HttpProtocolException bad)
        {
            Publish(new CallbackReceipt(receivedAt, remote, null, $"The request was refused with {bad.Status}: {bad.Message}."));
            await AnswerAndCloseAsync(connection, bad.Status, bad.Message).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // Usually the sender is gone; if not, it learns its request failed.
            await AnswerAndCloseAsync(connection, 400, "the request could not be read").ConfigureAwait(false);
            if (connection.WasEvicted)
            {
                Publish(new CallbackReceipt(receivedAt, remote, null,
                    $"A request whose body was still arriving was cut to make room for newer connections ({_options.MaxConnections} at once, {_options.MaxConnectionsPerPeer} from one address)."));
            }
            else if (!_stopping.IsCancellationRequested)
            {
                Publish(new CallbackReceipt(receivedAt, remote, null, $"The request failed before it was answered: {ex.Message}"));
            }
        }
    }

    /// <summary>The body within <see cref="CallbackListenerOptions.BodyReadTimeout"/>, or null when it is larger than the limit.</summary>
    private async Task<byte[]?> ReadBodyAsync(HttpConnection connection, HttpRequestHead head)
    {
        if (head.ContentLength > _options.MaxBodyBytes)
        {
            return null;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        deadline.CancelAfter(_options.BodyReadTimeout);
        if (head.ExpectsContinue && head.IsHttp11)
        {
            await connection.SendContinueAsync(deadline.Token).ConfigureAwait(false);
        }

        return await connection.ReadBodyAsync(head, _options.MaxBodyBytes, deadline.Token).ConfigureAwait(false);
    }

    /// <summary>Answers and closes; a peer that is gone or will not take the answer is simply cut off.</summary>
    private static async Task AnswerAndCloseAsync(HttpConnection connection, int status, string error, string? extraHeader = null)
    {
        try
        {
            await AnswerAsync(connection, status, error, extraHeader).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException or IOException)
        {
            connection.Dispose();
            return;
        }

        await connection.CloseAsync(Linger).ConfigureAwait(false);
    }

    /// <summary>No stopping token: a 503 must still go out while stopping; the answer's own deadline bounds it.</summary>
    private static async Task AnswerAsync(HttpConnection connection, int status, string? error, string? extraHeader = null)
    {
        using var deadline = new CancellationTokenSource(AnswerTimeout);
        await connection.AnswerAsync(status, AnswerBody(error), extraHeader, deadline.Token).ConfigureAwait(false);
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

    /// <summary>
    /// Problems are dropped when nobody reads: a flood of junk must not grow memory without bound. A problem may quote
    /// what the sender sent: the signing key is taken out of every one here.
    /// </summary>
    private void Publish(CallbackReceipt problemReceipt) =>
        _receipts.Writer.TryWrite(problemReceipt with { Problem = _secrets.Redact(problemReceipt.Problem) });

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);
}
