namespace HiApi.Client;

/// <summary>Where a task's video goes: a directory gets <c>&lt;taskId&gt;.mp4</c>, a file name is used as is.</summary>
public static class SavePathResolver
{
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
            // The id comes from the server: made portable, it cannot climb out of the folder nor differ between machines.
            return Path.GetFullPath(Path.Combine(fullPath, PortableFileName.From(taskId, Extension)));
        }

        return Path.GetFullPath(fullPath);
    }
}
