namespace HiApi.Client;

/// <summary>How many tasks are in each status, for a progress bar.</summary>
public sealed class WaitProgress
{
    internal WaitProgress(int total, int finished, IReadOnlyDictionary<HiApiTaskStatus, int> countsByStatus, int percentComplete = 0, int? secondsRemaining = null)
    {
        Total = total;
        Finished = finished;
        CountsByStatus = countsByStatus;
        PercentComplete = percentComplete;
        SecondsRemaining = secondsRemaining;
    }

    public int Total { get; }

    /// <summary>Tasks whose wait has ended (succeeded, failed, timed out or errored).</summary>
    public int Finished { get; }

    /// <summary>Every status with at least one task, by the latest known state of each task.</summary>
    public IReadOnlyDictionary<HiApiTaskStatus, int> CountsByStatus { get; }

    /// <summary>
    /// 0..100: finished tasks count whole, a rendering task by how far it is into the typical render time (the median
    /// of the renders seen finishing here, or two minutes, the seeds' "most clips finish inside two minutes"), capped
    /// below 100 until it ends.
    /// </summary>
    public int PercentComplete { get; }

    /// <summary>An estimate of the seconds until the last task ends (never past its timeout); null when unknown.</summary>
    public int? SecondsRemaining { get; }

    public override string ToString() =>
        $"{Finished}/{Total} finished; " + string.Join(", ", CountsByStatus.Select(pair => $"{pair.Key.ToString().ToLowerInvariant()} {pair.Value}"));
}
