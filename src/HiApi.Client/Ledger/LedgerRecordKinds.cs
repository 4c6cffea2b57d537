namespace HiApi.Client;

/// <summary>
/// The record kinds this version understands: a ledger line MAY carry a string field <c>kind</c>. A line without
/// one is a task or submission event. A line whose kind is not listed here was written by a newer version: the fold
/// ignores it (it never becomes a task) and compaction keeps it byte for byte, so that version finds it again.
/// </summary>
internal static class LedgerRecordKinds
{
    private static readonly HashSet<string> Known = new(StringComparer.Ordinal);

    public static bool IsKnown(string kind) => Known.Contains(kind);
}
