namespace HiApi.Client;

/// <summary>Where a ledger path leads: a user's spelling of it, and the file behind any symbolic links.</summary>
internal static class LedgerPaths
{
    /// <summary>
    /// A path as a user types it, made full outside PowerShell: a leading <c>~</c> is the home folder (as in
    /// PowerShell and every shell), and a relative path is resolved against the process's current directory. The
    /// cmdlets resolve paths against the PowerShell location instead (see <see cref="TaskLedger.Open"/>).
    /// </summary>
    public static string ResolveUserPath(string path)
    {
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal) || (OperatingSystem.IsWindows() && path.StartsWith("~\\", StringComparison.Ordinal)))
        {
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile, Environment.SpecialFolderOption.DoNotVerify);
            if (!string.IsNullOrEmpty(home))
            {
                path = Path.Join(home, path.AsSpan(1).TrimStart("/\\"));
            }
        }

        return Path.GetFullPath(path);
    }

    /// <summary>
    /// The file every read, append, lock and compaction of the ledger at <paramref name="path"/> must use: the file
    /// a symbolic link (or a chain of them) finally points to, so that a process using the link and one using the
    /// real path lock the same lock file, and compaction replaces the file instead of turning the link into a copy.
    /// A dangling link leads to the file it names (created there on first write). Only the file's own name is
    /// followed: links among the folders above it lead to the same file whichever way it is reached.
    /// </summary>
    /// <exception cref="IOException">The path is a folder (or a link to one), or a loop of links.</exception>
    public static string ResolveTarget(string path)
    {
        FileSystemInfo? target;
        try
        {
            target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true);
        }
        catch (Exception absent) when (absent is FileNotFoundException or DirectoryNotFoundException)
        {
            return path; // nothing there yet: the first write creates the file itself
        }
        catch (IOException loop)
        {
            throw new IOException($"The task ledger '{path}' is a symbolic link that cannot be followed: {loop.Message}", loop);
        }

        var file = target?.FullName ?? path;
        if (Directory.Exists(file))
        {
            var through = target is null ? string.Empty : $" (the link leads to '{file}')";
            throw new IOException($"The task ledger '{path}' is a folder{through}; -LedgerPath and {TaskLedger.PathEnvironmentVariable} name the ledger file itself, e.g. '{Path.Join(file, "ledger.jsonl")}'.");
        }

        return file;
    }
}
