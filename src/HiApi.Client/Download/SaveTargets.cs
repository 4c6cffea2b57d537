namespace HiApi.Client;

/// <summary>
/// The file names one save command has handed out, so that no two tasks of it land on one file: the second is an
/// error that names both tasks and the file, before anything is downloaded; never a silent skip, never an overwrite.
/// Names are compared the way the target folder's file system compares them, found by probing each folder once
/// (<c>A.mp4</c> and <c>a.mp4</c> are one file on NTFS and on APFS, two on ext4). Not thread-safe: one command's
/// thread claims the names.
/// </summary>
public sealed class SaveTargets
{
    private readonly Func<string, FolderNaming> _probe;
    private readonly Dictionary<string, FolderNaming> _folders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (HiApiTask Task, string Target)> _claims = new(StringComparer.Ordinal);

    public SaveTargets()
        : this(FolderNaming.Probe)
    {
    }

    /// <summary>For tests: how a folder's naming is found, to simulate a case-insensitive file system on Linux.</summary>
    internal SaveTargets(Func<string, FolderNaming> probe) => _probe = probe;

    /// <summary>
    /// Claims <paramref name="target"/> (a full path) for <paramref name="task"/>: true when it is now this task's.
    /// False when it was already: by this same task (given twice, it is saved once; <paramref name="collision"/> is
    /// null), or by another task (<paramref name="collision"/> is the error for this one, ending in <paramref name="advice"/>
    /// when given: what makes the names differ).
    /// </summary>
    public bool TryClaim(HiApiTask task, string target, out HiApiException? collision, string? advice = null)
    {
        collision = null;
        ArgumentNullException.ThrowIfNull(task);
        ArgumentException.ThrowIfNullOrEmpty(target);
        var folder = Path.GetDirectoryName(target) ?? string.Empty;
        if (!_folders.TryGetValue(folder, out var naming))
        {
            naming = _probe(folder);
            _folders[folder] = naming;
        }

        var key = folder + Path.DirectorySeparatorChar + naming.Key(Path.GetFileName(target));
        if (!_claims.TryGetValue(key, out var first))
        {
            _claims[key] = (task, target);
            return true;
        }

        if (first.Task.TaskId == task.TaskId)
        {
            return false;
        }

        var sameText = string.Equals(first.Target, target, StringComparison.Ordinal);
        var why = sameText ? string.Empty : $" ('{Path.GetFileName(first.Target)}' and '{Path.GetFileName(target)}' are one file in that folder: its file system ignores {Ignored(naming)})";
        collision = DownloadErrors.FileNameCollision(
            task,
            $"Tasks {Describe(first.Task)} and {Describe(task)} would both be saved to '{target}'{why}; the video of {task.TaskId} is not downloaded. " +
            (advice ?? "Save to a folder, where each video is named after its task, or give each task a file name of its own."));
        return false;
    }

    /// <summary>A task's id, and its input's position when known: which row of a storyboard it is.</summary>
    private static string Describe(HiApiTask task) => task.InputNumber is { } number ? $"{task.TaskId} (input {number})" : task.TaskId;

    private static string Ignored(FolderNaming naming) => (naming.IgnoresCase, naming.IgnoresNormalization) switch
    {
        (true, true) => "case and Unicode normalization",
        (true, false) => "case",
        _ => "Unicode normalization",
    };
}
