namespace HiApi.Client;

/// <summary>The errors a download ends with: each names the task, so one failed save in a pipeline is one record.</summary>
internal static class DownloadErrors
{
    /// <summary>The network or the storage host failed this attempt (dropped, cut short, silent, too slow): retried.</summary>
    public static HiApiException Transfer(HiApiTask task, string reason, Exception? inner = null) =>
        new(HiApiErrorKind.Network, $"Downloading the video of task {task.TaskId} failed: {reason}.", inner)
        {
            TaskId = task.TaskId,
            Task = task,
        };

    /// <summary>What storage sent is not a whole MP4 (a page, garbage, impossible boxes): started over, then given up.</summary>
    public static HiApiException InvalidVideo(HiApiTask task, string problem) =>
        new(HiApiErrorKind.InvalidVideo, $"Downloading the video of task {task.TaskId} failed: {problem}.")
        {
            TaskId = task.TaskId,
            Task = task,
        };

    /// <summary>Storage answered something no retry can fix (a bad redirect, more bytes than announced).</summary>
    public static HiApiException InvalidResponse(HiApiTask task, string detail) =>
        new(HiApiErrorKind.InvalidResponse, $"Downloading the video of task {task.TaskId}: {detail}.")
        {
            TaskId = task.TaskId,
            Task = task,
        };

    /// <summary>The local disk refused; <paramref name="what"/> says which step and which path.</summary>
    public static HiApiException FileSystem(HiApiTask task, string what, Exception cause) =>
        new(HiApiErrorKind.FileSystem, $"Saving the video of task {task.TaskId} failed: {what}: {IoMessage.Of(cause)}", cause)
        {
            TaskId = task.TaskId,
            Task = task,
        };

    /// <summary>The exceptions the file system throws (PathTooLongException is an IOException).</summary>
    public static bool IsFileSystemFailure(Exception exception) => exception is IOException or UnauthorizedAccessException;

    public static HiApiException Expired(HiApiTask task, string detail, int? status = null) =>
        new(HiApiErrorKind.OutputExpired,
            $"The video of task {task.TaskId} can no longer be downloaded: {detail}. Temporary storage drops outputs; the task must be generated again.")
        {
            StatusCode = status,
            TaskId = task.TaskId,
            Task = task,
        };

    public static void ThrowIfExpired(HiApiTask task, TimeProvider time)
    {
        if (task.ExpiresAt is { } expiresAt && expiresAt <= time.GetUtcNow())
        {
            throw Expired(task, $"its temporary URL expired at {expiresAt.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC");
        }
    }

    public static HiApiException FileExists(HiApiTask task, string message) =>
        new(HiApiErrorKind.FileExists, message) { TaskId = task.TaskId, Task = task };

    /// <summary>Another task of the same command already takes the file; the message says what to do (-Force would not help).</summary>
    public static HiApiException FileNameCollision(HiApiTask task, string message) =>
        new(HiApiErrorKind.FileNameCollision, message) { TaskId = task.TaskId, Task = task };
}
