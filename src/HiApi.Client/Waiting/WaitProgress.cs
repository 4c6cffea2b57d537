namespace HiApi.Client;

/// <summary>How many tasks are in each status, for a progress bar.</summary>
public sealed class WaitProgress
{
    internal WaitProgress(int total, int finished, IReadOnlyDictionary<HiApiTaskStatus, int> countsByStatus, int percentComplete = 0, int? secondsRemaining = null,
        TimeSpan elapsed = default, TimeSpan? typicalRenderTime = null)
    {
        Total = total;
        Finished = finished;
        CountsByStatus = countsByStatus;
        PercentComplete = percentComplete;
        SecondsRemaining = secondsRemaining;
        Elapsed = elapsed;
        TypicalRenderTime = typicalRenderTime;
    }

    public int Total { get; }

    /// <summary>Tasks whose wait has ended (succeeded, failed, timed out or errored).</summary>
    public int Finished { get; }

    /// <summary>Every status with at least one task, by the latest known state of each task.</summary>
    public IReadOnlyDictionary<HiApiTaskStatus, int> CountsByStatus { get; }

    /// <summary>
    /// 0..100: finished tasks count whole; once a render time has been measured here (<see cref="TypicalRenderTime"/>), a
    /// rendering task counts by how far it is into it, capped below 100 until it ends. Before that, only finished tasks count.
    /// </summary>
    public int PercentComplete { get; }

    /// <summary>
    /// An estimate of the seconds until the last task ends (never past its timeout), from <see cref="TypicalRenderTime"/>;
    /// null until a render time has been measured: never a built-in guess.
    /// </summary>
    public int? SecondsRemaining { get; }

    /// <summary>Time since the first task was added to the wait.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>The median render time measured here (tasks seen finishing); null until one has been.</summary>
    public TimeSpan? TypicalRenderTime { get; }

    public override string ToString() =>
        $"{Finished}/{Total} finished; " + string.Join(", ", CountsByStatus.Select(pair => $"{pair.Key.ToString().ToLowerInvariant()} {pair.Value}"));
}
