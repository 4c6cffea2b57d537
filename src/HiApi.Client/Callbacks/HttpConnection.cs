using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace HiApi.Client;

/// <summary>
/// One accepted connection of the callback listener: reads one request (head, then a Content-Length or chunked body),
/// writes one answer with <c>Connection: close</c>, and closes. Every read is an awaited socket receive with the
/// caller's token, so a slow or silent peer costs a pending operation, never a blocked thread.
/// </summary>
internal sealed class HttpConnection : IDisposable, IAdmittedConnection
{
    /// <summary>Holds the largest head the listener accepts, so a head is always parsed from one buffer.</summary>
    private const int BufferSize = 16 * 1024 + 512;

    private const int MaxChunkLineBytes = 1024;
    private const int MaxDrainBytes = 1024 * 1024;

    private readonly Socket _socket;
    private byte[] _buffer = Array.Empty<byte>(); // allocated with the first byte: a silent connection costs no buffer
    private int _start;
    private int _end;
    private volatile ConnectionStage _stage;
    private volatile bool _evicted;

    public HttpConnection(Socket socket)
    {
        _socket = socket;
        _socket.NoDelay = true;
        RemoteAddress = AddressOf(socket);
        IsFromThisComputer = ArrivedOnLoopback(socket);
    }

    public string? RemoteAddress { get; }

    /// <summary>True when the connection came in on a loopback address: only a program on this computer made it.</summary>
    public bool IsFromThisComputer { get; }

    string? IAdmittedConnection.Peer => RemoteAddress;

    /// <summary>True once the peer has sent a byte: a silent connection is closed, a half-sent head is answered 408.</summary>
    public bool ReceivedAnything { get; private set; }

    /// <summary>Set by the listener as the request goes along.</summary>
    public ConnectionStage Stage
    {
        get => _stage;
        set => _stage = value;
    }

    /// <summary>True when the listener cut this connection to make room for a newer one.</summary>
    public bool WasEvicted => _evicted;

    public int EvictionRank => Stage switch
    {
        // Bytes waiting in the socket count as spoken: a sender is not cut for being read a moment late.
        ConnectionStage.Opened => HasBytesWaiting() ? 2 : 0,
        ConnectionStage.Closing => 1,
        ConnectionStage.ReadingHead => 2,
        ConnectionStage.ReadingBody => 3,
        _ => -1,
    };

    public void Evict()
    {
        _evicted = true;
        Dispose();
    }

    /// <summary>
    /// Waits, without a buffer, until the peer sends something or closes (a zero-byte receive): what the idle deadline
    /// of a connection that sends nothing applies to.
    /// </summary>
    public async Task WaitForDataAsync(CancellationToken ct) =>
        await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, ct).ConfigureAwait(false);

    /// <summary>The request head, or null when the peer closed without sending one.</summary>
    /// <exception cref="HttpProtocolException">A malformed head (400, 501) or one over <paramref name="maxBytes"/> (431).</exception>
    /// <exception cref="IOException">The peer closed in the middle of the head.</exception>
    public async Task<HttpRequestHead?> ReadHeadAsync(int maxBytes, CancellationToken ct)
    {
        var scanned = 0;
        while (true)
        {
            SkipLeadingEmptyLines();
            var (headLength, consumed) = FindHeadEnd(_buffer.AsSpan(_start, _end - _start), scanned);
            if (consumed > 0)
            {
                var head = HttpRequestHead.Parse(_buffer.AsSpan(_start, headLength));
                _start += consumed;
                return head;
            }

            scanned = Math.Max(0, _end - _start - 2);
            if (_end - _start >= maxBytes)
            {
                throw new HttpProtocolException(431, $"the request head is larger than {maxBytes / 1024} KiB");
            }

            if (!await FillAsync(ct).ConfigureAwait(false))
            {
                if (!ReceivedAnything)
                {
                    return null;
                }

                throw new IOException("The connection closed in the middle of the request head.");
            }
        }
    }

    /// <summary>The whole body, or null as soon as it proves larger than <paramref name="limit"/> (reading stops there).</summary>
    /// <exception cref="HttpProtocolException">Broken chunked encoding (400).</exception>
    /// <exception cref="IOException">The peer closed before the body was complete.</exception>
    public Task<byte[]?> ReadBodyAsync(HttpRequestHead head, long limit, CancellationToken ct) =>
        head.IsChunked ? ReadChunkedAsync(limit, ct) : ReadLengthAsync(Math.Max(0, head.ContentLength), limit, ct);

    /// <summary>Tells a client that sent <c>Expect: 100-continue</c> to go on with the body.</summary>
    public Task SendContinueAsync(CancellationToken ct) => SendAllAsync("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray(), ct);

    /// <summary>Writes a whole answer; the connection is closed after it (<c>Connection: close</c>).</summary>
    public Task AnswerAsync(int status, byte[] body, string? extraHeader, CancellationToken ct)
    {
        var head = new StringBuilder(160)
            .Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {status} {ReasonPhrase(status)}\r\n")
            .Append("Content-Type: application/json; charset=utf-8\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\n")
            .Append("Connection: close\r\n");
        if (extraHeader is not null)
        {
            head.Append(extraHeader).Append("\r\n");
        }

        head.Append("\r\n");
        var headBytes = Encoding.ASCII.GetBytes(head.ToString());
        var answer = new byte[headBytes.Length + body.Length];
        headBytes.CopyTo(answer, 0);
        body.CopyTo(answer, headBytes.Length);
        return SendAllAsync(answer, ct);
    }

    /// <summary>
    /// Ends the connection gracefully: sends FIN, then reads and discards what the peer still sends for up to
    /// <paramref name="linger"/>. Closing with unread bytes would make the kernel send a reset, which can destroy the
    /// answer before the peer reads it (a 413 sent while the body is still coming, say).
    /// </summary>
    public async Task CloseAsync(TimeSpan linger)
    {
        Stage = ConnectionStage.Closing;
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
            using var deadline = new CancellationTokenSource(linger);
            var drained = 0;
            int read;
            var drain = _buffer.Length > 0 ? _buffer : new byte[4096];
            while (drained < MaxDrainBytes && (read = await _socket.ReceiveAsync(drain, SocketFlags.None, deadline.Token).ConfigureAwait(false)) > 0)
            {
                drained += read;
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            Dispose();
        }
    }

    /// <summary>Cuts the connection at once (the listener is stopping, or the peer is gone).</summary>
    public void Dispose() => _socket.Dispose();

    private async Task<byte[]?> ReadLengthAsync(long length, long limit, CancellationToken ct)
    {
        if (length > limit)
        {
            return null;
        }

        // Grown as bytes arrive, not sized from the declared length: a length costs nothing to claim.
        using var body = new MemoryStream((int)Math.Min(length, 64 * 1024));
        await CopyAsync(body, length, ct).ConfigureAwait(false);
        return body.ToArray();
    }

    private async Task<byte[]?> ReadChunkedAsync(long limit, CancellationToken ct)
    {
        using var body = new MemoryStream();
        while (true)
        {
            var line = await ReadLineAsync(MaxChunkLineBytes, ct).ConfigureAwait(false);
            var sizeText = line.Split(';', 2)[0].Trim();
            if (sizeText.Length is 0 or > 15 || !long.TryParse(sizeText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size))
            {
                throw new HttpProtocolException(400, "the chunked body is malformed");
            }

            if (size == 0)
            {
                // Trailers, then the empty line; nothing in them is used.
                var trailerBytes = 0;
                while ((line = await ReadLineAsync(MaxChunkLineBytes, ct).ConfigureAwait(false)).Length > 0)
                {
                    if ((trailerBytes += line.Length) > 16 * 1024)
                    {
                        throw new HttpProtocolException(400, "the chunked body's trailers are too large");
                    }
                }

                return body.ToArray();
            }

            if (body.Length + size > limit)
            {
                return null;
            }

            await CopyAsync(body, size, ct).ConfigureAwait(false);
            if ((await ReadLineAsync(MaxChunkLineBytes, ct).ConfigureAwait(false)).Length != 0)
            {
                throw new HttpProtocolException(400, "the chunked body is malformed");
            }
        }
    }

    /// <summary>Moves <paramref name="count"/> body bytes to <paramref name="output"/>, buffered ones first.</summary>
    private async Task CopyAsync(MemoryStream output, long count, CancellationToken ct)
    {
        while (count > 0)
        {
            if (_start == _end && !await FillAsync(ct).ConfigureAwait(false))
            {
                throw new IOException("The connection closed before the body was complete.");
            }

            var take = (int)Math.Min(count, _end - _start);
            output.Write(_buffer, _start, take);
            _start += take;
            count -= take;
        }
    }

    /// <summary>One line without its CR LF (Latin-1).</summary>
    private async Task<string> ReadLineAsync(int maxBytes, CancellationToken ct)
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var length = newline - _start;
                if (length > 0 && _buffer[newline - 1] == '\r')
                {
                    length--;
                }

                var line = Encoding.Latin1.GetString(_buffer, _start, length);
                _start = newline + 1;
                return line;
            }

            if (_end - _start > maxBytes)
            {
                throw new HttpProtocolException(400, "the chunked body is malformed");
            }

            if (!await FillAsync(ct).ConfigureAwait(false))
            {
                throw new IOException("The connection closed in the middle of the chunked body.");
            }
        }
    }

    /// <summary>Receives more bytes at the end of the buffer; false when the peer has closed.</summary>
    private async Task<bool> FillAsync(CancellationToken ct)
    {
        if (_buffer.Length == 0)
        {
            _buffer = new byte[BufferSize];
        }

        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            throw new HttpProtocolException(431, "the request head is too large");
        }

        var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, ct).ConfigureAwait(false);
        if (read == 0)
        {
            return false;
        }

        ReceivedAnything = true;
        _end += read;
        return true;
    }

    /// <summary>RFC 9112 lets a server ignore empty lines before the request line (some clients send one after a body).</summary>
    private void SkipLeadingEmptyLines()
    {
        while (_start < _end && _buffer[_start] is (byte)'\r' or (byte)'\n')
        {
            _start++;
        }
    }

    /// <summary>The head's length (up to the empty line) and the bytes it takes with that line; (0, 0) when incomplete.</summary>
    private static (int HeadLength, int Consumed) FindHeadEnd(ReadOnlySpan<byte> data, int from)
    {
        for (var i = from; i < data.Length; i++)
        {
            if (data[i] != '\n')
            {
                continue;
            }

            if (i + 1 < data.Length && data[i + 1] == '\n')
            {
                return (i + 1, i + 2);
            }

            if (i + 2 < data.Length && data[i + 1] == '\r' && data[i + 2] == '\n')
            {
                return (i + 1, i + 3);
            }
        }

        return (0, 0);
    }

    private async Task SendAllAsync(byte[] data, CancellationToken ct)
    {
        var sent = 0;
        while (sent < data.Length)
        {
            sent += await _socket.SendAsync(data.AsMemory(sent), SocketFlags.None, ct).ConfigureAwait(false);
        }
    }

    private bool HasBytesWaiting()
    {
        try
        {
            return _socket.Available > 0;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    private static bool ArrivedOnLoopback(Socket socket)
    {
        try
        {
            return socket.LocalEndPoint is IPEndPoint local && IPAddress.IsLoopback(local.Address.IsIPv4MappedToIPv6 ? local.Address.MapToIPv4() : local.Address);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    private static string? AddressOf(Socket socket)
    {
        try
        {
            var address = (socket.RemoteEndPoint as IPEndPoint)?.Address;
            return address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4().ToString() : address?.ToString();
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return null;
        }
    }

    private static string ReasonPhrase(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        _ => "Error",
    };
}
