namespace HiApi.Client;

/// <summary>
/// The <c>kind</c> values of ledger lines this version understands. A line without a kind is a task or submission event;
/// a line whose kind is not listed here was written by a newer version: it is skipped by the fold, never read as a task.
/// </summary>
internal static class LedgerRecordKinds
{
    /// <summary>A batch started or finished (see <see cref="LedgerBatch"/>).</summary>
    public const string Batch = "batch";

    public static bool IsKnown(string? kind) => kind is null || kind == Batch;
}
