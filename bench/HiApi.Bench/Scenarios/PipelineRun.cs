namespace HiApi.Bench.Scenarios;

/// <summary>
/// What one pipeline run produced: its wall time, when each task's file was complete on disk, and when the client
/// learned that the task had ended (the <c>RetrievedAt</c> of the state it acted on: the poll or the verifying GET).
/// </summary>
internal sealed record PipelineRun(
    TimeSpan Wall,
    IReadOnlyDictionary<string, DateTimeOffset> SavedAt,
    IReadOnlyDictionary<string, DateTimeOffset> KnownAt,
    int NotSaved,
    IReadOnlyList<string> Problems)
{
    /// <summary>Time the pipeline thread spent on each submission (create + ledger).</summary>
    public IReadOnlyList<TimeSpan> SubmitTimes { get; init; } = Array.Empty<TimeSpan>();

    /// <summary>Time the pipeline thread spent on each saved task (status record, download, fsync, rename, ledger).</summary>
    public IReadOnlyList<TimeSpan> SaveTimes { get; init; } = Array.Empty<TimeSpan>();
}
