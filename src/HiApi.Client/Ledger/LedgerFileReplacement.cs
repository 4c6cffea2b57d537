namespace HiApi.Client;

/// <summary>
/// The step of compaction that puts the rewritten file in the ledger's place. One attempt, no waiting: it runs
/// while the cross-process lock is held, and a file another program holds open (on Windows: another session's
/// fsync, <c>Get-Content -Wait</c>, a sync client, a virus scanner) will not let go within a sleep anyway. The
/// caller backs off instead (see <see cref="TaskLedger"/>).
/// </summary>
internal static class LedgerFileReplacement
{
    /// <summary>
    /// <see cref="File.Replace(string, string, string?, bool)"/> first: on Windows it swaps the files in place and
    /// keeps the ledger's attributes and permissions; elsewhere it is a rename. Where it does not work (a file system
    /// without ReplaceFile, a ledger deleted meanwhile) a rename over the ledger is tried once.
    /// </summary>
    public static void Replace(string temporaryPath, string ledgerPath)
    {
        try
        {
            File.Replace(temporaryPath, ledgerPath, destinationBackupFileName: null, ignoreMetadataErrors: true);
        }
        catch (Exception replaceFailed) when (replaceFailed is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            try
            {
                File.Move(temporaryPath, ledgerPath, overwrite: true);
            }
            catch (Exception moveFailed) when (moveFailed is IOException or UnauthorizedAccessException)
            {
                throw new IOException(
                    $"The compacted task ledger could not replace '{ledgerPath}' (another program may hold it open): {replaceFailed.Message}",
                    replaceFailed);
            }
        }
    }
}
