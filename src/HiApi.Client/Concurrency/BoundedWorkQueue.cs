using System.Threading.Channels;

namespace HiApi.Client;

/// <summary>
/// Runs up to <see cref="Limit"/> pieces of async work at once and hands back each result as it completes, in
/// completion order. It is how a cmdlet keeps several submissions or downloads in flight while its pipeline thread
/// (the only one allowed to write output) starts new work, and writes finished work, in between.
/// </summary>
public sealed class BoundedWorkQueue<TItem, TResult>
{
    private readonly Channel<WorkCompletion<TItem, TResult>> _completed = Channel.CreateUnbounded<WorkCompletion<TItem, TResult>>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false, AllowSynchronousContinuations = false });

    private int _running;

    public BoundedWorkQueue(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        Limit = limit;
    }

    public int Limit { get; }

    /// <summary>Work started and not yet handed back (running, or finished and waiting to be taken).</summary>
    public int Outstanding => Volatile.Read(ref _running);

    /// <summary>Whether starting more would exceed <see cref="Limit"/>: take a completion first.</summary>
    public bool IsFull => Outstanding >= Limit;

    /// <summary>Starts <paramref name="work"/> on the thread pool; its result or exception comes back through <see cref="TryTake"/>.</summary>
    public void Start(TItem item, Func<CancellationToken, Task<TResult>> work, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(work);
        Interlocked.Increment(ref _running);
        _ = Task.Run(async () =>
        {
            WorkCompletion<TItem, TResult> completion;
            try
            {
                completion = new WorkCompletion<TItem, TResult>(item, await work(ct).ConfigureAwait(false), null);
            }
            catch (Exception failed)
            {
                completion = new WorkCompletion<TItem, TResult>(item, default, failed);
            }

            _completed.Writer.TryWrite(completion);
        }, CancellationToken.None);
    }

    /// <summary>A finished piece of work, if one is ready.</summary>
    public bool TryTake(out WorkCompletion<TItem, TResult> completion)
    {
        if (_completed.Reader.TryRead(out completion!))
        {
            Interlocked.Decrement(ref _running);
            return true;
        }

        return false;
    }

    /// <summary>
    /// Blocks until every piece of work has finished, or <paramref name="limit"/> has passed or <paramref name="ct"/> is
    /// cancelled, discarding the results: for a caller that can no longer write them (a command ending on an error)
    /// but must not cut off work that has side effects of its own, such as recording a paid task. True when all finished.
    /// </summary>
    public bool Settle(TimeSpan limit, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + limit;
        while (Outstanding > 0 && deadline - DateTime.UtcNow is { Ticks: > 0 } remaining)
        {
            try
            {
                WaitForCompletionAsync(ct).Wait(remaining);
            }
            catch (AggregateException)
            {
                return false; // cancelled
            }

            while (TryTake(out _))
            {
            }
        }

        return Outstanding == 0;
    }

    /// <summary>Waits until a finished piece of work can be taken (returns at once when nothing is outstanding).</summary>
    public async Task WaitForCompletionAsync(CancellationToken ct)
    {
        if (Outstanding == 0)
        {
            return;
        }

        await _completed.Reader.WaitToReadAsync(ct).ConfigureAwait(false);
    }
}
