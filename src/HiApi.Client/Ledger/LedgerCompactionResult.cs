namespace HiApi.Client;

/// <summary>What <see cref="TaskLedger.Compact"/> did: task counts and file sizes before and after.</summary>
/// <param name="EntriesBefore">Tasks in the ledger before compaction.</param>
/// <param name="EntriesAfter">Tasks kept.</param>
/// <param name="BytesBefore">File size before compaction.</param>
/// <param name="BytesAfter">File size after compaction.</param>
public sealed record LedgerCompactionResult(int EntriesBefore, int EntriesAfter, long BytesBefore, long BytesAfter);
