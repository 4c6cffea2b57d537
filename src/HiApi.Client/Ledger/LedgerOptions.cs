namespace HiApi.Client;

/// <summary>Tuning for a <see cref="TaskLedger"/>. The defaults suit an interactive user.</summary>
public sealed class LedgerOptions
{
    /// <summary>
    /// How long finished work (saved, failed, or expired) stays in the ledger after its last update before
    /// compaction may drop it. Pending work is never dropped.
    /// </summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(30);

    /// <summary>
    /// After a write, the ledger compacts itself once the file grows past this many bytes (and compaction would
    /// actually shrink it), so months of use stay bounded without anyone calling <see cref="TaskLedger.Compact"/>.
    /// </summary>
    public long CompactWhenLargerThanBytes { get; init; } = 4L * 1024 * 1024;

    /// <summary>
    /// How long an operation waits for another process to release the ledger lock before failing with an
    /// <see cref="IOException"/>. Lock holds last milliseconds, so a long wait means something is wrong.
    /// </summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The clock for <see cref="LedgerEntry.UpdatedAt"/> and auto-compaction; replaceable in tests.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Where the ledger says what a user should know but what must not fail the operation: lines it skipped (with
    /// their count and the ledger's path), a ledger from a newer version used read-only. Each once per
    /// <see cref="TaskLedger"/> instance (a cmdlet uses one per command), never while a lock is held. The cmdlets
    /// write it as a warning.
    /// </summary>
    public Action<string>? Warn { get; init; }

    /// <summary>The step that puts a compacted file in the ledger's place (temporary path, ledger path): a seam for tests.</summary>
    internal Action<string, string> ReplaceFile { get; init; } = LedgerFileReplacement.Replace;
}
