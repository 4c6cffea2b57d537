namespace HiApi.Video.Infrastructure;

/// <summary>
/// Keeps only the newest progress report. Reports arrive on thread-pool threads; the pipeline thread reads the
/// latest one at its next tick, because only that thread may call WriteProgress.
/// </summary>
internal sealed class LatestProgress<T> : IProgress<T>
    where T : struct
{
    private readonly object _gate = new();
    private T? _latest;

    public void Report(T value)
    {
        lock (_gate)
        {
            _latest = value;
        }
    }

    /// <summary>The newest report since the last call, or null if nothing new came.</summary>
    public T? TakeLatest()
    {
        lock (_gate)
        {
            var latest = _latest;
            _latest = null;
            return latest;
        }
    }
}
