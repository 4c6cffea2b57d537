using System.Security.Cryptography;
using System.Text;

namespace HiApi.Client;

/// <summary>
/// How the file system of a folder tells two names apart, found by asking it rather than guessing from the OS:
/// NTFS, APFS and HFS+ (macOS's defaults), exFAT, FAT and most SMB shares ignore case; APFS and HFS+ also ignore
/// Unicode normalization (<c>\u00e9</c> composed or as <c>e</c> plus an accent is one name); ext4 ignores neither.
/// </summary>
internal readonly record struct FolderNaming(bool IgnoresCase, bool IgnoresNormalization)
{
    /// <summary>What a folder that cannot be probed is taken for: ignoring both, so that no two names that might be one file pass as two.</summary>
    public static FolderNaming Unknown { get; } = new(IgnoresCase: true, IgnoresNormalization: true);

    /// <summary>
    /// Asks the file system of <paramref name="directory"/> (or of its nearest existing parent, where it will be
    /// created): creates a hidden, empty probe file, looks for it under another case and another normalization of
    /// its name, and removes it.
    /// </summary>
    public static FolderNaming Probe(string directory)
    {
        var folder = NearestExisting(Path.GetFullPath(directory));
        if (folder is null)
        {
            return Unknown;
        }

        var tag = Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();
        var name = $".hiapi-probe-{tag}-\u00e9"; // lower-case letters, and an e-acute composed (NFC)
        try
        {
            using var probe = new FileStream(Path.Combine(folder, name), FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.DeleteOnClose);
            return new FolderNaming(
                IgnoresCase: File.Exists(Path.Combine(folder, $".HIAPI-PROBE-{tag.ToUpperInvariant()}-\u00e9")),
                IgnoresNormalization: File.Exists(Path.Combine(folder, $".hiapi-probe-{tag}-e\u0301")));
        }
        catch (Exception unwritable) when (unwritable is IOException or UnauthorizedAccessException)
        {
            return Unknown;
        }
    }

    /// <summary>
    /// Whether two full paths name the same file: the same text, or text that differs only in case or normalization
    /// where the folder's file system ignores that difference (probed only then).
    /// </summary>
    public static bool SameFile(string path, string other, Func<string, FolderNaming>? probe = null)
    {
        if (string.Equals(path, other, StringComparison.Ordinal))
        {
            return true;
        }

        if (!string.Equals(Unknown.Key(path), Unknown.Key(other), StringComparison.Ordinal))
        {
            return false;
        }

        var naming = (probe ?? Probe)(Path.GetDirectoryName(other) ?? other);
        return string.Equals(naming.Key(path), naming.Key(other), StringComparison.Ordinal);
    }

    /// <summary>The form of <paramref name="name"/> under which names this file system takes for one are equal.</summary>
    public string Key(string name)
    {
        var normalized = IgnoresNormalization ? Composed(name) : name;
        return IgnoresCase ? normalized.ToUpperInvariant() : normalized;
    }

    /// <summary>NFC, or the text as is when it is not valid Unicode (a lone surrogate) and so has no normal form.</summary>
    private static string Composed(string name)
    {
        try
        {
            return name.IsNormalized(NormalizationForm.FormC) ? name : name.Normalize(NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
            return name;
        }
    }

    private static string? NearestExisting(string directory)
    {
        for (var folder = directory; folder is not null; folder = Path.GetDirectoryName(folder))
        {
            if (Directory.Exists(folder))
            {
                return folder;
            }

            if (File.Exists(folder))
            {
                return null; // a file where a folder must go: the folder can never be made, let alone probed
            }
        }

        return null;
    }
}
