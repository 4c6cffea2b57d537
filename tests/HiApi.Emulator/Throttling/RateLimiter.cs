using System.Collections.Concurrent;

namespace HiApi.Emulator.Throttling;

/// <summary>
/// A sliding-window limit per key: at most N admitted requests in any window. Rejected requests do not count,
/// so a client that backs off for Retry-After gets through.
/// </summary>
internal sealed class RateLimiter(TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Queue<long>> _admitted = new(StringComparer.Ordinal);

    public bool TryAcquire(string key, int? limit, int windowMs)
    {
        if (limit is not { } max)
        {
            return true;
        }

        var now = clock.GetTimestamp();
        var windowTicks = (long)(Math.Max(1, windowMs) / 1000.0 * clock.TimestampFrequency);
        var queue = _admitted.GetOrAdd(key, _ => new Queue<long>());
        lock (queue)
        {
            while (queue.Count > 0 && now - queue.Peek() >= windowTicks)
            {
                queue.Dequeue();
            }
            if (queue.Count >= max)
            {
                return false;
            }
            queue.Enqueue(now);
            return true;
        }
    }
}
