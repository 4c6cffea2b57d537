namespace HiApi.Client;

/// <summary>
/// One batch as the ledger knows it: every run of <c>New-HiApiVideoTask</c> is one (named with <c>-Batch</c>, or given a
/// name of its own), recorded before its first submission. A batch whose last run did not reach its end (Ctrl+C, a crash,
/// a terminating error) is unfinished: what <c>-Resume</c> looks for.
/// </summary>
public sealed class LedgerBatch
{
    /// <summary>A run of the batch is under way, or was cut off before its end.</summary>
    public const string RunningStatus = "running";

    /// <summary>The last run of the batch read all its input and settled every submission it started.</summary>
    public const string FinishedStatus = "finished";

    public required string Name { get; init; }

    /// <summary>Named by the user (<c>-Batch</c>); false for the name a run without one was given.</summary>
    public bool Named { get; init; }

    public string? Status { get; init; }

    /// <summary>How many inputs the run that finished it read.</summary>
    public int? Inputs { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public bool IsFinished => Status == FinishedStatus;

    /// <summary>Fields a newer version wrote on the batch's lines: kept, and written back by compaction.</summary>
    internal IReadOnlyDictionary<string, System.Text.Json.JsonElement>? UnknownFields { get; init; }

    public override string ToString() => $"{Name} ({Status ?? "unknown"})";
}
