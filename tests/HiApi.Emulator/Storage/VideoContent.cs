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

    private VideoContent(byte[] fixture) => Fixture = fixture;

    public byte[] Fixture { get; }

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

    /// <summary>Writes bytes [start, start+count) of the file of <paramref name="totalLength"/> bytes, at the pacer's rate.</summary>
    public async Task WriteAsync(Stream output, long totalLength, long start, long count, DownloadPacer pacer,
        CancellationToken cancellationToken)
    {
        var header = FreeBoxHeader(totalLength - Fixture.Length);
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
            await output.WriteAsync(chunk, cancellationToken);
            position += chunk.Length;
            await pacer.SentAsync(chunk.Length, cancellationToken);
        }
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
