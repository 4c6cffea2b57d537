using System.Buffers.Binary;

namespace HiApi.Client.Tests;

/// <summary>
/// A read-only stream of a synthetic MP4 of a given length: an <c>ftyp</c> box, an empty <c>moov</c>, then one <c>mdat</c> box whose
/// payload is predictable bytes (byte i is i % 251), so the downloader's structure check passes on a whole file
/// and fails on a cut one. It can end early, cleanly or with an IOException, like a connection that drops
/// mid-body. Generates data instead of holding it, so a huge "file" costs no memory.
/// </summary>
public sealed class PatternStream : ReadOnlyTestStream
{
    private readonly long _start;
    private readonly long _end;
    private readonly long? _failAt;
    private readonly long? _endCleanlyAt;
    private readonly byte[] _header;
    private long _position;

    /// <summary>Bytes [<paramref name="start"/>, <paramref name="end"/>) of the <paramref name="end"/>-byte file.</summary>
    public PatternStream(long start, long end, long? failAt = null, long? endCleanlyAt = null)
    {
        _start = start;
        _end = end;
        _failAt = failAt;
        _endCleanlyAt = endCleanlyAt;
        _header = Header(end);
        _position = start;
    }

    /// <summary>The box headers of a <paramref name="length"/>-byte file: ftyp (16 bytes), moov (8), then mdat's header.</summary>
    public static byte[] Header(long length)
    {
        var mdatSize = length - 24;
        var header = new byte[mdatSize > uint.MaxValue ? 40 : 32];
        BinaryPrimitives.WriteUInt32BigEndian(header, 16);
        "ftypisom"u8.CopyTo(header.AsSpan(4));
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(12), 0x200);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(16), 8);
        "moov"u8.CopyTo(header.AsSpan(20));
        if (mdatSize > uint.MaxValue)
        {
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(24), 1);
            "mdat"u8.CopyTo(header.AsSpan(28));
            BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(32), (ulong)mdatSize);
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(24), (uint)Math.Max(0, mdatSize));
            "mdat"u8.CopyTo(header.AsSpan(28));
        }

        return header;
    }

    public static byte[] Expected(long length)
    {
        var bytes = new byte[length];
        new PatternStream(0, length).ReadExactly(bytes);
        return bytes;
    }

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
            var index = _position + i;
            buffer[i] = index < _header.Length ? _header[index] : (byte)(index % 251);
        }

        _position += count;
        return count;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }
}
