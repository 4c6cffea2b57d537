namespace HiApi.Client;

/// <summary>Where a task's video goes: a directory gets <c>&lt;taskId&gt;.mp4</c>, a file name is used as is.</summary>
public static class SavePathResolver
{
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
            return Path.GetFullPath(Path.Combine(fullPath, SafeFileName(taskId) + ".mp4"));
        }

        return Path.GetFullPath(fullPath);
    }

    /// <summary>The id comes from the server: never let it climb out of the chosen directory.</summary>
    internal static string SafeFileName(string taskId)
    {
        var invalid = Path.GetInvalidFileNameChars();
        var chars = taskId.Trim().Select(c => invalid.Contains(c) || c == '/' || c == '\\' || c == ':' ? '_' : c).ToArray();
        var name = new string(chars);
        return name is "." or ".." || name.Length == 0 ? "_" + name : name;
    }
}
