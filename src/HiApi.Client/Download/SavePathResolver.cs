using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace HiApi.Client;

/// <summary>Where a task's video goes: a directory gets <c>&lt;taskId&gt;.mp4</c>, a file name is used as is.</summary>
public static class SavePathResolver
{
    /// <summary>The longest file name Linux, macOS and Windows file systems all take, in UTF-8 bytes.</summary>
    internal const int MaxFileNameBytes = 255;

    /// <summary>How much of a name too long survives its shortening (plus '-' and 8 hex digits).</summary>
    private const int ShortenedKeepBytes = 180;

    private const string Extension = ".mp4";

    /// <summary>
    /// <paramref name="fullPath"/> is already absolute (the cmdlet resolved it against the PowerShell
    /// location). An existing directory, a path ending with a separator, or a name without an
    /// extension means a directory; anything else is the file itself.
    /// </summary>
    public static string ResolveTargetFile(string fullPath, string taskId)
    {
        if (string.IsNullOrWhiteSpace(fullPath))
        {
            throw new ArgumentException("A path is required.", nameof(fullPath));
        }

        if (string.IsNullOrWhiteSpace(taskId))
        {
            throw new ArgumentException("A task id is required.", nameof(taskId));
        }

        var endsWithSeparator = fullPath.EndsWith(Path.DirectorySeparatorChar) || fullPath.EndsWith(Path.AltDirectorySeparatorChar);
        if (endsWithSeparator || Directory.Exists(fullPath) || Path.GetExtension(fullPath).Length == 0)
        {
            return Path.GetFullPath(Path.Combine(fullPath, SafeFileName(taskId) + Extension));
        }

        return Path.GetFullPath(fullPath);
    }

    /// <summary>
    /// The id comes from the server: never let it climb out of the chosen directory, carry control or invisible
    /// formatting characters (a terminal escape, a right-to-left override) into a file name, or make a name too
    /// long to create; such an id is shortened deterministically, so a re-run finds the same file.
    /// </summary>
    internal static string SafeFileName(string taskId)
    {
        var invalid = Path.GetInvalidFileNameChars();
        var name = new StringBuilder(taskId.Length);
        foreach (var rune in taskId.Trim().EnumerateRunes())
        {
            // A lone surrogate comes out of EnumerateRunes as U+FFFD: replaced too.
            var unsafeRune = rune == Rune.ReplacementChar
                || Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format
                    or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                || (rune.IsBmp && (invalid.Contains((char)rune.Value) || rune.Value is '/' or '\\' or ':'));
            if (unsafeRune)
            {
                name.Append('_');
            }
            else
            {
                name.Append(rune.ToString());
            }
        }

        var safe = name.ToString();
        safe = safe is "." or ".." || safe.Length == 0 ? "_" + safe : safe;
        return Encoding.UTF8.GetByteCount(safe) + Extension.Length > MaxFileNameBytes ? Shorten(safe, taskId) : safe;
    }

    /// <summary>
    /// The first 180 bytes' worth of <paramref name="name"/> (whole characters), '-', and 8 hex digits of the SHA-256
    /// of <paramref name="identity"/>: short enough for any file system, and different for different identities.
    /// </summary>
    internal static string Shorten(string name, string identity)
    {
        var kept = new StringBuilder();
        var bytes = 0;
        foreach (var rune in name.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > ShortenedKeepBytes)
            {
                break;
            }

            kept.Append(rune.ToString());
            bytes += rune.Utf8SequenceLength;
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(identity));
        return $"{kept}-{Convert.ToHexString(hash, 0, 4).ToLowerInvariant()}";
    }
}
