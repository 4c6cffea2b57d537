namespace HiApi.Client.Tests;

/// <summary>
/// A read-only stream of predictable bytes (byte i is i % 251) that can end early, cleanly or with
/// an IOException, like a connection that drops mid-body. Generates data instead of holding it,
/// so a huge "file" costs no memory.
/// </summary>
public sealed class PatternStream : Stream
{
    private readonly long _start;
    private readonly long _end;
    private readonly long? _failAt;
    private readonly long? _endCleanlyAt;
    private long _position;

    public PatternStream(long start, long end, long? failAt = null, long? endCleanlyAt = null)
    {
        _start = start;
        _end = end;
        _failAt = failAt;
        _endCleanlyAt = endCleanlyAt;
        _position = start;
    }

    public static byte At(long index) => (byte)(index % 251);

    public static byte[] Expected(long length)
    {
        var bytes = new byte[length];
        for (long i = 0; i < length; i++)
        {
            bytes[i] = At(i);
        }

        return bytes;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => _end - _start;
    public override long Position { get => _position - _start; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var stop = Math.Min(_end, _endCleanlyAt ?? long.MaxValue);
        if (_failAt is { } failAt && _position >= failAt)
        {
            throw new IOException("The response ended prematurely (simulated).");
        }

        stop = Math.Min(stop, _failAt ?? long.MaxValue);
        var count = (int)Math.Min(buffer.Length, stop - _position);
        if (count <= 0)
        {
            return 0;
        }

        for (var i = 0; i < count; i++)
        {
            buffer[i] = At(_position + i);
        }

        _position += count;
        return count;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
