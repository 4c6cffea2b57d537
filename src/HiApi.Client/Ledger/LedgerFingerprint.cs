using Microsoft.Win32.SafeHandles;

namespace HiApi.Client;

/// <summary>
/// What a cached fold remembers of the bytes it has read: the file's first bytes and the bytes just before the
/// offset it read up to. The same file, only appended to, still holds both; a file that was replaced (compacted by
/// another process, restored, edited) shrank or holds other bytes there, and is folded again from the start. This
/// needs no header and no file-system identity (which .NET does not expose), so a ledger without this module's
/// header is read incrementally too. Compaction always starts the file with a new random generation, so a compacted
/// file never passes for the old one; what it cannot see is an edit in the middle that keeps the length, the first
/// 4 KiB and the last line read: the next command (a new fold) reads that.
/// </summary>
internal sealed class LedgerFingerprint
{
    /// <summary>Enough for a header with its random generation, or a few whole event lines.</summary>
    private const int HeadBytes = 4096;

    /// <summary>The end of the last line folded (at least its closing quote, brace and newline).</summary>
    private const int TailBytes = 256;

    private readonly byte[] head;
    private readonly byte[] tail;

    private LedgerFingerprint(long length, byte[] head, byte[] tail)
    {
        Length = length;
        this.head = head;
        this.tail = tail;
    }

    /// <summary>Nothing read yet: holds for every file.</summary>
    public static LedgerFingerprint None { get; } = new(0, [], []);

    /// <summary>The offset the fingerprint was taken at: the bytes it vouches for are the ones before it.</summary>
    public long Length { get; }

    /// <summary>Reads the fingerprint of the first <paramref name="length"/> bytes of <paramref name="file"/>.</summary>
    public static LedgerFingerprint Take(SafeFileHandle file, long length)
    {
        if (length == 0)
        {
            return None;
        }

        var head = ReadExactly(file, 0, (int)Math.Min(length, HeadBytes));
        var tailStart = Math.Max(head.Length, length - TailBytes);
        var tail = ReadExactly(file, tailStart, (int)(length - tailStart));
        return new LedgerFingerprint(length, head, tail);
    }

    /// <summary>Whether <paramref name="file"/> (now <paramref name="fileLength"/> bytes) still starts with the bytes this was taken from.</summary>
    public bool StillHolds(SafeFileHandle file, long fileLength)
    {
        if (fileLength < Length)
        {
            return false; // shrunk: replaced or truncated
        }

        return Length == 0
            || (Matches(file, 0, head) && Matches(file, Length - tail.Length, tail));
    }

    /// <summary>
    /// Whether two fingerprints, taken at different lengths, can be of the same file: one's first bytes begin the
    /// other's. A compacted file starts with a new random generation, so it never shares a head with the file it
    /// replaced.
    /// </summary>
    public bool SharesHeadWith(LedgerFingerprint other)
    {
        var common = Math.Min(head.Length, other.head.Length);
        return head.AsSpan(0, common).SequenceEqual(other.head.AsSpan(0, common));
    }

    private static bool Matches(SafeFileHandle file, long offset, byte[] expected)
    {
        if (expected.Length == 0)
        {
            return true;
        }

        var actual = ReadExactly(file, offset, expected.Length);
        return actual.AsSpan().SequenceEqual(expected);
    }

    private static byte[] ReadExactly(SafeFileHandle file, long offset, int count)
    {
        var bytes = new byte[count];
        var filled = 0;
        while (filled < count)
        {
            var read = RandomAccess.Read(file, bytes.AsSpan(filled), offset + filled);
            if (read == 0)
            {
                return bytes[..filled]; // the file shrank meanwhile: a short read never matches
            }

            filled += read;
        }

        return bytes;
    }
}
