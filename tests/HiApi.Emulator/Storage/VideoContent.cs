using System.Buffers.Binary;

namespace HiApi.Emulator.Storage;

/// <summary>
/// The MP4 every successful task produces: the real fixture, optionally followed by one top-level <c>free</c> box
/// that pads the file to an exact size (still a valid, playable MP4). The padding is generated while streaming,
/// so multi-GiB files cost no memory.
/// </summary>
internal sealed class VideoContent
{
    public const string ResourceName = "HiApi.Emulator.sample.mp4";
    private const int ChunkSize = 128 * 1024;
    private static readonly byte[] Zeros = new byte[ChunkSize];

    private VideoContent(byte[] fixture)
    {
        Fixture = fixture;
        MediaStart = FindMediaStart(fixture);
    }

    public byte[] Fixture { get; }

    /// <summary>Where the fixture's <c>mdat</c> payload begins: a replaced object differs from there on, boxes unchanged.</summary>
    public int MediaStart { get; }

    public static VideoContent LoadEmbedded()
    {
        using var stream = typeof(VideoContent).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing from the emulator build.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return new VideoContent(copy.ToArray());
    }

    /// <summary>
    /// The size actually served for a requested size: the fixture itself when none is set or the request is too
    /// small to hold the fixture plus an 8-byte box header.
    /// </summary>
    public long LengthFor(long? requestedSize) =>
        requestedSize is { } size && size >= Fixture.Length + 8 ? size : Fixture.Length;

    /// <summary>
    /// Writes bytes [start, start+count) of the file of <paramref name="totalLength"/> bytes, at the pacer's rate.
    /// A <paramref name="version"/> other than 0 is a replaced object: the same boxes, every media and padding byte
    /// inverted, so a splice of two versions is a valid-looking MP4 that equals neither.
    /// </summary>
    public async Task WriteAsync(Stream output, long totalLength, long start, long count, DownloadPacer pacer,
        CancellationToken cancellationToken, int version = 0)
    {
        var header = FreeBoxHeader(totalLength - Fixture.Length);
        var inverted = version == 0 ? null : new byte[Math.Max(ChunkSize, Fixture.Length)];
        var position = start;
        var end = start + count;
        while (position < end)
        {
            var room = Math.Min(end - position, pacer.SliceBytes);
            ReadOnlyMemory<byte> chunk;
            if (position < Fixture.Length)
            {
                chunk = Fixture.AsMemory((int)position, (int)Math.Min(Fixture.Length - position, room));
            }
            else if (position < Fixture.Length + header.Length)
            {
                var offset = (int)(position - Fixture.Length);
                chunk = header.AsMemory(offset, (int)Math.Min(header.Length - offset, room));
            }
            else
            {
                chunk = Zeros.AsMemory(0, (int)Math.Min(ChunkSize, room));
            }
            if (inverted is not null)
            {
                chunk = Invert(chunk, position, header.Length, inverted);
            }

            await output.WriteAsync(chunk, cancellationToken);
            position += chunk.Length;
            await pacer.SentAsync(chunk.Length, cancellationToken);
        }
    }

    /// <summary>The chunk at <paramref name="position"/> of a replaced object: media and padding inverted, box headers kept.</summary>
    private ReadOnlyMemory<byte> Invert(ReadOnlyMemory<byte> chunk, long position, int freeHeaderLength, byte[] buffer)
    {
        var bytes = buffer.AsSpan(0, chunk.Length);
        chunk.Span.CopyTo(bytes);
        for (var i = 0; i < bytes.Length; i++)
        {
            var at = position + i;
            var isHeader = at < MediaStart || (at >= Fixture.Length && at < Fixture.Length + freeHeaderLength);
            if (!isHeader)
            {
                bytes[i] = (byte)~bytes[i];
            }
        }

        return buffer.AsMemory(0, chunk.Length);
    }

    private static int FindMediaStart(byte[] fixture)
    {
        var offset = 0;
        while (offset + 8 <= fixture.Length)
        {
            var size = (int)BinaryPrimitives.ReadUInt32BigEndian(fixture.AsSpan(offset));
            if (fixture.AsSpan(offset + 4, 4).SequenceEqual("mdat"u8))
            {
                return offset + 8;
            }

            offset += size;
        }

        throw new InvalidOperationException("The embedded fixture has no top-level 'mdat' box.");
    }

    /// <summary>The header of a <c>free</c> box of <paramref name="boxSize"/> bytes (64-bit size when needed).</summary>
    private static byte[] FreeBoxHeader(long boxSize)
    {
        if (boxSize <= 0)
        {
            return [];
        }
        if (boxSize <= uint.MaxValue)
        {
            var header = new byte[8];
            BinaryPrimitives.WriteUInt32BigEndian(header, (uint)boxSize);
            "free"u8.CopyTo(header.AsSpan(4));
            return header;
        }

        var large = new byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(large, 1);
        "free"u8.CopyTo(large.AsSpan(4));
        BinaryPrimitives.WriteUInt64BigEndian(large.AsSpan(8), (ulong)boxSize);
        return large;
    }
}
