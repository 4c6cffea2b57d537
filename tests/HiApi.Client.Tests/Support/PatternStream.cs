using System.Buffers.Binary;

namespace HiApi.Client.Tests;

/// <summary>
/// A read-only stream of a synthetic MP4 of a given length: an <c>ftyp</c> box, a <c>moov</c> with the headers the
/// structure check asks for, then one <c>mdat</c> box whose payload is predictable bytes (byte i is i % 251), so the
/// downloader's structure check passes on a whole file and fails on a cut one. It can end early, cleanly or with an IOException, like a connection that drops
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

    /// <summary>
    /// The boxes before the media of a <paramref name="length"/>-byte file: ftyp (16 bytes), a moov (32) holding an
    /// mvhd and a trak with a tkhd (header-only boxes: the structure check looks for them, not into them), then
    /// mdat's header.
    /// </summary>
    public static byte[] Header(long length)
    {
        var mdatSize = length - 48;
        var header = new byte[mdatSize > uint.MaxValue ? 64 : 56];
        BinaryPrimitives.WriteUInt32BigEndian(header, 16);
        "ftypisom"u8.CopyTo(header.AsSpan(4));
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(12), 0x200);
        WriteBox(header, 16, 32, "moov");
        WriteBox(header, 24, 8, "mvhd");
        WriteBox(header, 32, 16, "trak");
        WriteBox(header, 40, 8, "tkhd");
        if (mdatSize > uint.MaxValue)
        {
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(48), 1);
            "mdat"u8.CopyTo(header.AsSpan(52));
            BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(56), (ulong)mdatSize);
        }
        else
        {
            WriteBox(header, 48, (uint)Math.Max(0, mdatSize), "mdat");
        }

        return header;
    }

    private static void WriteBox(byte[] header, int at, uint size, string type)
    {
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(at), size);
        System.Text.Encoding.ASCII.GetBytes(type).CopyTo(header, at + 4);
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
