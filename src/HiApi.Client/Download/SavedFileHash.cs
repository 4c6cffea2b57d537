using System.Security.Cryptography;

namespace HiApi.Client;

/// <summary>
/// The SHA-256 recorded with a saved video, so a later run can tell the task's own save, intact, from one that was
/// damaged since (cut short, or changed in place at the same length). Lowercase hex, 64 characters.
/// </summary>
public static class SavedFileHash
{
    /// <summary>Reads <paramref name="path"/> whole; IO errors propagate (the caller decides what an unreadable file means).</summary>
    public static string Of(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, FileOptions.SequentialScan);
        return Convert.ToHexString(SHA256.HashData(file)).ToLowerInvariant();
    }

    /// <summary>Whether <paramref name="hash"/> can be a recorded hash (64 lowercase hex digits); anything else proves nothing.</summary>
    public static bool IsWellFormed(string? hash) =>
        hash is { Length: 64 } && hash.All(char.IsAsciiHexDigitLower);
}
