using System.Security.Cryptography;

namespace HiApi.Mock.Tasks;

/// <summary>
/// Task ids shaped like the seeds' (<c>tk-hiapi-01KW23VDG2EZ20J7RQH8S67MNC</c>): a monotonic ULID, so ids sort
/// in creation order even within one millisecond.
/// </summary>
internal sealed class TaskIdGenerator
{
    public const string Prefix = "tk-hiapi-";
    private const string Crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private static readonly UInt128 RandomMask = (UInt128.One << 80) - 1;

    private readonly object _gate = new();
    private long _lastMilliseconds = -1;
    private UInt128 _lastRandom;

    public string Next(DateTimeOffset now)
    {
        long milliseconds;
        UInt128 random;
        lock (_gate)
        {
            milliseconds = Math.Max(now.ToUnixTimeMilliseconds(), _lastMilliseconds);
            if (milliseconds == _lastMilliseconds)
            {
                random = (_lastRandom + 1) & RandomMask;
                if (random == 0)
                {
                    milliseconds++;   // 2^80 ids in one millisecond: move on rather than repeat.
                }
            }
            else
            {
                Span<byte> bytes = stackalloc byte[16];
                RandomNumberGenerator.Fill(bytes);
                random = new UInt128(BitConverter.ToUInt64(bytes[..8]), BitConverter.ToUInt64(bytes[8..])) & RandomMask;
                // Leave headroom so increments within the millisecond rarely wrap.
                random &= RandomMask >> 1;
            }
            _lastMilliseconds = milliseconds;
            _lastRandom = random;
        }

        var value = ((UInt128)(ulong)milliseconds << 80) | random;
        Span<char> text = stackalloc char[26];
        for (var i = 25; i >= 0; i--)
        {
            text[i] = Crockford[(int)(value & 31)];
            value >>= 5;
        }
        return Prefix + new string(text);
    }
}
