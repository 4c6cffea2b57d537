using System.Collections.Concurrent;

namespace HiApi.Video.Infrastructure;

/// <summary>
/// Runs the client's async work from a cmdlet. PowerShell only allows WriteObject/WriteError/WriteProgress/
/// WriteVerbose from the pipeline thread, so the async work runs on the thread pool while the pipeline thread
/// waits here, waking every tick to flush queued verbose lines and let the cmdlet draw progress.
/// Ctrl+C (StopProcessing) cancels the token, so long waits and downloads stop at once.
/// </summary>
internal sealed class PipelineRunner : IDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(200);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentQueue<string> _verbose = new();
    private readonly ConcurrentQueue<string> _warnings = new();

    public CancellationToken Token => _stopping.Token;

    public bool IsStopping => _stopping.IsCancellationRequested;

    /// <summary>Called from any thread; the line is written by the pipeline thread at the next tick.</summary>
    public void QueueVerbose(string line) => _verbose.Enqueue(line);

    /// <summary>Called from any thread; written as a warning by the pipeline thread at the next tick.</summary>
    public void QueueWarning(string line) => _warnings.Enqueue(line);

    /// <summary>Called by StopProcessing, on a thread other than the pipeline thread.</summary>
    public void Stop()
    {
        try { _stopping.Cancel(); }
        catch (ObjectDisposedException) { }
    }

    /// <summary>
    /// Blocks the pipeline thread until <paramref name="work"/> completes, calling <paramref name="onTick"/> and
    /// <paramref name="writeVerbose"/> on this thread in the meantime. Exceptions surface unwrapped.
    /// </summary>
    public T Run<T>(Func<CancellationToken, Task<T>> work, Action<string> writeVerbose, Action<string> writeWarning, Action? onTick = null)
    {
        var task = work(_stopping.Token);
        var handle = ((IAsyncResult)task).AsyncWaitHandle;
        while (!task.IsCompleted)
        {
            handle.WaitOne(Tick);
            Flush(writeVerbose, writeWarning);
            onTick?.Invoke();
        }

        Flush(writeVerbose, writeWarning);
        return task.GetAwaiter().GetResult();
    }

    public void Flush(Action<string> writeVerbose, Action<string> writeWarning)
    {
        while (_verbose.TryDequeue(out var line))
        {
            writeVerbose(line);
        }

        while (_warnings.TryDequeue(out var line))
        {
            writeWarning(line);
        }
    }

    public void Dispose() => _stopping.Dispose();
}
