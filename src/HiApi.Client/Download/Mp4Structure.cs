using System.Buffers.Binary;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace HiApi.Client;

/// <summary>
/// Whether a file is a whole MP4: the first top-level box is <c>ftyp</c>, the top-level box sizes add up exactly to
/// the file's length (a 32-bit size; 1 means a 64-bit size follows the type; 0 means "to the end of the file", which
/// only the last box can mean), and there is a <c>moov</c> (the movie) and an <c>mdat</c> (its media), so a body cut
/// exactly between two boxes is not taken for a video; the moov must hold a movie header and a track with its
/// header. Only the box headers are read, at their offsets, so checking a multi-GiB video costs a handful of small
/// reads. It cannot tell a damaged frame inside a box; it tells an HTML
/// page, a body cut short and garbage from a video.
/// </summary>
internal static class Mp4Structure
{
    /// <summary>
    /// A real file has a few top-level boxes; a fragmented one a few per second of video. More than this is
    /// garbage that happens to parse, and walking it header by header must not take minutes.
    /// </summary>
    private const int MaxBoxes = 1_000_000;

    private const int HeaderSize = 8;
    private const int LargeHeaderSize = 16;

    /// <summary>Checks the file at <paramref name="path"/>; an I/O error is the caller's to handle.</summary>
    public static Mp4Check Check(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return Check(handle, RandomAccess.GetLength(handle));
    }

    /// <summary>Checks the first <paramref name="length"/> bytes of <paramref name="file"/> as if they were the whole file.</summary>
    public static Mp4Check Check(SafeFileHandle file, long length)
    {
        Span<byte> header = stackalloc byte[LargeHeaderSize];
        long offset = 0;
        var hasMovie = false;
        var hasMedia = false;
        for (var box = 0; offset < length; box++)
        {
            if (box == MaxBoxes)
            {
                return Mp4Check.Invalid($"the file is not an MP4: more than {MaxBoxes} top-level boxes");
            }

            var available = (int)Math.Min(HeaderSize, length - offset);
            if (RandomAccess.Read(file, header[..available], offset) < available)
            {
                return Mp4Check.Truncated($"the file changed while it was checked at byte {offset}");
            }

            // Even a few bytes of the first box can prove the file is not an MP4 (an HTML page starts "<!DO...").
            if (box == 0 && available == HeaderSize && !header.Slice(4, 4).SequenceEqual("ftyp"u8))
            {
                return Mp4Check.Invalid($"the file is not an MP4: first box '{TypeName(header.Slice(4, 4))}'");
            }

            if (available < HeaderSize)
            {
                return Mp4Check.Truncated($"the file ends inside the header of a box at byte {offset}");
            }

            var type = header.Slice(4, 4);
            if (!IsPrintable(type))
            {
                return Mp4Check.Invalid($"the file is not an MP4: the box at byte {offset} has the type '{TypeName(type)}'");
            }

            hasMovie |= type.SequenceEqual("moov"u8);
            hasMedia |= type.SequenceEqual("mdat"u8);
            long size = BinaryPrimitives.ReadUInt32BigEndian(header);
            var headerSize = HeaderSize;
            if (size == 0)
            {
                // "To the end of the file": by definition the last box, so nothing more can come.
                var problem = MissingBox(hasMovie, hasMedia)
                    ?? (type.SequenceEqual("moov"u8) ? CheckMovie(file, offset, offset + HeaderSize, length) : null);
                return problem is null ? Mp4Check.Whole : Mp4Check.Invalid($"the file is not a whole MP4: {problem}");
            }

            if (size == 1)
            {
                headerSize = LargeHeaderSize;
                if (length - offset < LargeHeaderSize)
                {
                    return Mp4Check.Truncated($"the file ends inside the header of the box '{TypeName(type)}' at byte {offset}");
                }

                if (RandomAccess.Read(file, header[HeaderSize..], offset + HeaderSize) < HeaderSize)
                {
                    return Mp4Check.Truncated($"the file changed while it was checked at byte {offset}");
                }

                var large = BinaryPrimitives.ReadUInt64BigEndian(header[HeaderSize..]);
                if (large > long.MaxValue - (ulong)offset)
                {
                    return Mp4Check.Invalid($"the file is not an MP4: the box '{TypeName(type)}' at byte {offset} claims {large} bytes");
                }

                size = (long)large;
            }

            if (size < headerSize)
            {
                return Mp4Check.Invalid(
                    $"the file is not an MP4: the box '{TypeName(type)}' at byte {offset} claims {size} bytes, less than its own header");
            }

            if (box == 0 && size < LargeHeaderSize)
            {
                return Mp4Check.Invalid($"the file is not an MP4: its 'ftyp' box has only {size} bytes");
            }

            if (size > length - offset)
            {
                return Mp4Check.Truncated(
                    $"the box '{TypeName(type)}' at byte {offset} needs {size} bytes, so the file needs {offset + size} bytes, but it has {length}");
            }

            if (type.SequenceEqual("moov"u8) && CheckMovie(file, offset, offset + headerSize, offset + size) is { } movieProblem)
            {
                return Mp4Check.Invalid($"the file is not a whole MP4: {movieProblem}");
            }

            offset += size;
        }

        if (offset == 0)
        {
            return Mp4Check.Truncated("the file is empty");
        }

        return MissingBox(hasMovie, hasMedia) is { } absent
            ? Mp4Check.Truncated($"the file ends after {offset} bytes and {absent}")
            : Mp4Check.Whole;
    }

    /// <summary>
    /// What HiAPI's own tools check inside the movie: a <c>mvhd</c> (its header) and at least one <c>trak</c> holding a
    /// <c>tkhd</c> (a track header), every child box within its parent. Only child headers are read: a moov is small.
    /// Null when it holds them, else what is wrong.
    /// </summary>
    private static string? CheckMovie(SafeFileHandle file, long movieAt, long start, long end)
    {
        var hasHeader = false;
        var tracks = 0;
        var trackWithHeader = false;
        var walked = WalkChildren(file, "moov", start, end, (type, childStart, childEnd) =>
        {
            if (type.SequenceEqual("mvhd"u8))
            {
                hasHeader = true;
            }
            else if (type.SequenceEqual("trak"u8))
            {
                tracks++;
                var trackHeader = false;
                var problem = WalkChildren(file, "trak", childStart, childEnd, (inner, _, _) =>
                {
                    trackHeader |= inner.SequenceEqual("tkhd"u8);
                    return null;
                });
                trackWithHeader |= trackHeader;
                return problem;
            }

            return null;
        });

        return walked
            ?? (!hasHeader ? $"the 'moov' box at byte {movieAt} has no movie header ('mvhd')"
                : tracks == 0 ? $"the 'moov' box at byte {movieAt} has no track ('trak')"
                : !trackWithHeader ? $"no 'trak' in the 'moov' box at byte {movieAt} has a track header ('tkhd')"
                : null);
    }

    /// <summary>Calls <paramref name="visit"/> with each child box's type and payload range; a problem ends the walk.</summary>
    private static string? WalkChildren(SafeFileHandle file, string parent, long start, long end, ChildVisitor visit)
    {
        Span<byte> header = stackalloc byte[LargeHeaderSize];
        var offset = start;
        for (var box = 0; offset < end; box++)
        {
            if (box == MaxBoxes)
            {
                return $"the '{parent}' box holds more than {MaxBoxes} boxes";
            }

            if (end - offset < HeaderSize || RandomAccess.Read(file, header[..HeaderSize], offset) < HeaderSize)
            {
                return $"the '{parent}' box ends inside the header of a box at byte {offset}";
            }

            var type = header.Slice(4, 4);
            long size = BinaryPrimitives.ReadUInt32BigEndian(header);
            var headerSize = HeaderSize;
            if (size == 0)
            {
                size = end - offset; // "to the end of the enclosing box"
            }
            else if (size == 1)
            {
                headerSize = LargeHeaderSize;
                if (end - offset < LargeHeaderSize || RandomAccess.Read(file, header[HeaderSize..], offset + HeaderSize) < HeaderSize)
                {
                    return $"the '{parent}' box ends inside the header of the box '{TypeName(type)}' at byte {offset}";
                }

                var large = BinaryPrimitives.ReadUInt64BigEndian(header[HeaderSize..]);
                size = large > (ulong)(end - offset) ? long.MaxValue : (long)large;
            }

            if (size < headerSize || size > end - offset)
            {
                return $"the box '{TypeName(type)}' at byte {offset} does not fit in its '{parent}' box";
            }

            if (visit(type, offset + headerSize, offset + size) is { } problem)
            {
                return problem;
            }

            offset += size;
        }

        return null;
    }

    private delegate string? ChildVisitor(ReadOnlySpan<byte> type, long start, long end);

    private static string? MissingBox(bool hasMovie, bool hasMedia) => (hasMovie, hasMedia) switch
    {
        (false, false) => "has neither a 'moov' nor an 'mdat' box",
        (false, true) => "has no 'moov' box",
        (true, false) => "has no 'mdat' box",
        _ => null,
    };

    private static bool IsPrintable(ReadOnlySpan<byte> type)
    {
        foreach (var b in type)
        {
            if (b is < 0x20 or > 0x7E)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A four-character code as text; bytes that are not printable ASCII as \xNN, so garbage cannot drive a terminal.</summary>
    private static string TypeName(ReadOnlySpan<byte> type)
    {
        var name = new StringBuilder(type.Length);
        foreach (var b in type)
        {
            name.Append(b is >= 0x20 and <= 0x7E and not (byte)'\'' and not (byte)'\\' ? (char)b : $"\\x{b:x2}");
        }

        return name.ToString();
    }
}
