namespace HiApi.Client;

/// <summary>
/// Overlaps write-back with the transfer: every <c>interval</c> bytes written, starts an fsync of the file on a
/// thread of its own, at most one at a time, so that the final fsync before the rename only has the tail left to
/// write. It flushes through the writer's own handle (no second open: the writer keeps its exclusive
/// <see cref="FileShare.None"/> lock, which is what tells a live download from an abandoned one). The final fsync
/// stays with the caller; a failed background fsync fails the download.
/// </summary>
internal sealed class WriteBehindFlusher
{
    private readonly FileStream _file;
    private readonly long _interval;
    private long _nextFlushAt;
    private Task? _inFlight;

    public WriteBehindFlusher(FileStream file, long interval)
    {
        _file = file;
        _interval = interval;
        _nextFlushAt = interval;
    }

    /// <summary>Background fsyncs started (for tests).</summary>
    public int Started { get; private set; }

    /// <summary>After each write: <paramref name="written"/> is the file's length so far.</summary>
    public void Written(long written)
    {
        if (written < _nextFlushAt)
        {
            return;
        }

        if (_inFlight is { } running)
        {
            if (!running.IsCompleted)
            {
                return; // never more than one in flight; the next write tries again
            }

            running.GetAwaiter().GetResult(); // a disk error surfaces here, not as a network failure
        }

        _nextFlushAt = written + _interval;
        Started++;
        // fsync blocks for as long as the disk needs: a dedicated thread, not one of the pool's few.
        _inFlight = Task.Factory.StartNew(
            static state => ((FileStream)state!).Flush(flushToDisk: true),
            _file,
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
    }

    /// <summary>The file was truncated to start over: count from its new start.</summary>
    public void Restarted() => _nextFlushAt = _interval;

    /// <summary>Waits for the background fsync, rethrowing its failure.</summary>
    public async Task CompleteAsync()
    {
        if (_inFlight is { } running)
        {
            _inFlight = null;
            await running.ConfigureAwait(false);
        }
    }

    /// <summary>On failure or cancellation: waits, ignoring errors, so the file is never closed under an fsync.</summary>
    public async Task DrainAsync()
    {
        try
        {
            await CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or UnauthorizedAccessException)
        {
        }
    }
}
