using System.Diagnostics;

namespace HiApi.Client;

/// <summary>
/// The cross-process mutex around every ledger operation: an open handle on <c>&lt;ledger&gt;.lock</c> with
/// <see cref="FileShare.None"/>. On Windows that is a sharing lock; on Linux and macOS .NET turns it into an advisory
/// <c>flock(LOCK_EX)</c>. Either way the operating system drops it when the holder dies, even by
/// <c>kill -9</c>, so a crashed PowerShell can never leave the ledger locked. A separate lock file (rather than
/// locking the ledger itself) is what lets compaction replace the ledger by rename while still holding the lock.
/// The lock file is never deleted: deleting it would let two processes lock two different files.
/// </summary>
internal static class LedgerFileLock
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMilliseconds(50);

    /// <summary>Takes the lock, retrying with jittered exponential backoff; the returned stream is the lock.</summary>
    /// <exception cref="IOException">Another holder kept the lock for longer than <paramref name="timeout"/>.</exception>
    public static FileStream Acquire(string lockPath, TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        var backoff = TimeSpan.FromMilliseconds(1);
        while (true)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
            }
            catch (IOException contention) when (IsContention(contention))
            {
                var remaining = timeout - waited.Elapsed;
                if (remaining <= TimeSpan.Zero)
                {
                    throw new IOException(
                        $"Timed out after {timeout.TotalSeconds:0.###} s waiting for the task ledger lock '{lockPath}': " +
                        "another process is holding it. If no other HiApi.Video command is running, the file system " +
                        $"may not support file locking; point {TaskLedger.PathEnvironmentVariable} at a local disk, " +
                        $"or set {TaskLedger.DisableEnvironmentVariable}=off to run without the ledger.",
                        contention);
                }

                // Jitter keeps several waiting processes from retrying in lockstep.
                var delay = backoff + TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * backoff.TotalMilliseconds);
                Thread.Sleep(delay < remaining ? delay : remaining);
                backoff = backoff * 2 < MaxBackoff ? backoff * 2 : MaxBackoff;
            }
        }
    }

    // Only another holder is worth waiting for: a sharing or lock violation on Windows (ERROR_SHARING_VIOLATION 32,
    // ERROR_LOCK_VIOLATION 33), EWOULDBLOCK from flock on Unix (.NET puts errno in HResult: 11 on Linux, 35 on macOS).
    // A read-only disk (EROFS), a missing folder or a full disk will not fix itself by waiting: it fails at once.
    private static bool IsContention(IOException exception) =>
        OperatingSystem.IsWindows()
            ? (exception.HResult & 0xFFFF) is 32 or 33
            : exception.HResult == (OperatingSystem.IsLinux() ? 11 : 35);
}
