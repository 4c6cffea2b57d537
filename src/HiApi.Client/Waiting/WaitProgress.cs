namespace HiApi.Client;

/// <summary>How many tasks are in each status, for a progress bar.</summary>
public sealed class WaitProgress
{
    internal WaitProgress(int total, int finished, IReadOnlyDictionary<HiApiTaskStatus, int> countsByStatus)
    {
        Total = total;
        Finished = finished;
        CountsByStatus = countsByStatus;
    }

    public int Total { get; }

    /// <summary>Tasks whose wait has ended (succeeded, failed, timed out or errored).</summary>
    public int Finished { get; }

    /// <summary>Every status with at least one task, by the latest known state of each task.</summary>
    public IReadOnlyDictionary<HiApiTaskStatus, int> CountsByStatus { get; }

    public override string ToString() =>
        $"{Finished}/{Total} finished; " + string.Join(", ", CountsByStatus.Select(pair => $"{pair.Key.ToString().ToLowerInvariant()} {pair.Value}"));
}
