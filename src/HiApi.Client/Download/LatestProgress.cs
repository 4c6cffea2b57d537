namespace HiApi.Client;

/// <summary>
/// Keeps only the newest progress report. Reports arrive on thread-pool threads; a single reader (the cmdlet's
/// pipeline thread, the only one allowed to call WriteProgress) takes the latest one at its next tick.
/// </summary>
public sealed class LatestProgress<T> : IProgress<T>
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
