namespace HiApi.Client;

/// <summary>
/// The first line of every ledger file this code creates. Its random <see cref="Generation"/> changes whenever
/// compaction replaces the file, which tells a reader holding a cached fold that it must start over instead of
/// reading on from an offset that no longer means anything.
/// </summary>
internal sealed class LedgerHeader
{
    public const string FormatName = "hiapi-video-task-ledger";
    public const int CurrentVersion = 1;

    public string? Format { get; set; }
    public int Version { get; set; }
    public string? Generation { get; set; }
    public DateTimeOffset? CreatedAt { get; set; }
}
