namespace HiApi.Client;

/// <summary>
/// The one rule that turns the name a user asked for (a -FileName template's result, or what a script block returned)
/// into the file name a task's video is saved as: one file name inside the folder, never a path: a name holding '/' or
/// '\', or that is only dots, is refused, and so is an empty one; the extension <c>.mp4</c> is added unless the name ends
/// with it (in any case); a leading dot becomes '_' (a dot file is hidden on Linux and macOS, not on Windows: a clip is
/// never hidden on some systems only); the rest goes through <see cref="PortableFileName"/>, so the same name is made on
/// every OS.
/// </summary>
public static class TaskFileName
{
    public const string Extension = ".mp4";

    /// <summary>
    /// The file name <paramref name="name"/> makes for <paramref name="task"/>. <paramref name="source"/> says where the name
    /// came from, for the error (<c>-FileName '{Scene}'</c>).
    /// </summary>
    /// <exception cref="HiApiException">Kind <see cref="HiApiErrorKind.InvalidFileName"/>, naming the task.</exception>
    public static string From(string? name, HiApiTask task, string source)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(source);
        if (string.IsNullOrWhiteSpace(name))
        {
            throw Refused(task, source, "it gave an empty name");
        }

        if (name.IndexOfAny(['/', '\\']) >= 0)
        {
            throw Refused(task, source,
                $"it gave '{TextPreview.Shorten(name, 80)}', which holds a folder separator; -FileName names one file inside -Path, never a path (put the folder in -Path)");
        }

        var extension = name.EndsWith(Extension, StringComparison.OrdinalIgnoreCase) ? name[^Extension.Length..] : Extension;
        var stem = name.EndsWith(Extension, StringComparison.OrdinalIgnoreCase) ? name[..^Extension.Length] : name;
        if (stem.Trim().Trim('.').Length == 0)
        {
            throw Refused(task, source, $"it gave '{TextPreview.Shorten(name, 80)}', which names no file of its own (it is only dots)");
        }

        var visible = stem.TrimStart();
        var dots = visible.Length - visible.TrimStart('.').Length;
        return PortableFileName.From(new string('_', dots) + visible[dots..], extension);
    }

    /// <summary>How errors name a task: its id, and its input's position when known.</summary>
    internal static string Describe(HiApiTask task) =>
        task.InputNumber is { } number ? $"task {task.TaskId} (input {number})" : $"task {task.TaskId}";

    /// <summary>The error for a name <paramref name="source"/> could not make for <paramref name="task"/>: nothing is saved for it.</summary>
    public static HiApiException Refused(HiApiTask task, string source, string problem) =>
        new(HiApiErrorKind.InvalidFileName, $"{source} cannot name the file of {Describe(task)}: {problem}. Its video is not saved.")
        {
            TaskId = task.TaskId,
            Task = task,
        };
}
