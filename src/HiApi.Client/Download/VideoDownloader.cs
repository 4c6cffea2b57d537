using System.Security.Cryptography;
using System.Text;

namespace HiApi.Client;

/// <summary>
/// Saves a task's video from its temporary signed URL. Streams through a fixed buffer into a hidden temporary file
/// beside the target, verifies that it is a whole MP4, and only then renames it, so memory stays flat and a failure
/// never leaves a partial <c>.mp4</c> that looks finished; the temporary file of a process killed mid-download is
/// removed by the next download of the same target. A verified video is never thrown away: it goes in place, or
/// the same bytes are there already, or it is kept under a visible name (<see cref="VerifiedVideoPlacement"/>). A
/// file already at the target is never replaced without -Force: one of another length stops the download at its
/// headers; one of the same length is compared with the download, byte for byte. The URL is signed: the request carries no <c>Authorization</c>
/// header, ever, whatever its host. Every failure is a <see cref="HiApiException"/> naming the task, disk errors
/// included (<see cref="HiApiErrorKind.FileSystem"/>), so one bad save never ends a pipeline of many.
/// </summary>
public sealed class VideoDownloader
{
    internal const string PartialSuffix = ".partial";
    private const int PartialTagLength = 8;

    /// <summary>What a temporary name adds to the target's: '.', '.', the 8-hex tag and ".partial".</summary>
    private const int PartialOverheadBytes = 2 + PartialTagLength + 8;

    /// <summary>Write-back is started in the background every this many bytes (see <see cref="WriteBehindFlusher"/>).</summary>
    private const long DefaultWriteBehindInterval = 64L * 1024 * 1024;

    private readonly HttpClient? _http;

    /// <summary>Uses the process-wide pooled storage clients (no decompression; redirects are followed here, each checked).</summary>
    public VideoDownloader()
    {
    }

    /// <summary>For tests: every request goes to <paramref name="handler"/>.</summary>
    internal VideoDownloader(HttpMessageHandler handler)
    {
        _http = new HttpClient(handler ?? throw new ArgumentNullException(nameof(handler)), disposeHandler: false)
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>For tests: the clock that decides whether a URL has expired, and times the attempts' deadlines.</summary>
    internal TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>For tests: how many bytes between background fsyncs.</summary>
    internal long WriteBehindInterval { get; init; } = DefaultWriteBehindInterval;

    /// <summary>For tests: background fsyncs started by the last download.</summary>
    internal int LastWriteBehindFlushes { get; private set; }

    /// <summary>For tests: the file-replace step (<see cref="File.Move(string, string, bool)"/>), to simulate Windows' refusals on Linux.</summary>
    internal Action<string, string, bool> MoveFile { get; init; } = File.Move;

    /// <summary>For tests: the pauses between rename attempts while another program holds a file.</summary>
    internal IReadOnlyList<TimeSpan> RenameRetryDelays { get; init; } = VerifiedVideoPlacement.DefaultRetryDelays;

    /// <summary>
    /// Whether the temporary file is marked Hidden and NotContentIndexed: on Windows its leading dot hides nothing,
    /// and the Search indexer would open it mid-download. Elsewhere the dot hides it.
    /// </summary>
    internal bool HidesTemporaryFiles { get; init; } = OperatingSystem.IsWindows();

    /// <summary>For tests: how file attributes are set.</summary>
    internal Action<string, FileAttributes> SetAttributes { get; init; } = File.SetAttributes;

    public async Task<FileInfo> DownloadAsync(HiApiTask task, string targetFile, DownloadOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(targetFile))
        {
            throw new ArgumentException("A target file is required.", nameof(targetFile));
        }

        var url = CheckDownloadable(task);
        DownloadErrors.ThrowIfExpired(task, TimeProvider);
        var target = Path.GetFullPath(targetFile);
        if (Directory.Exists(target))
        {
            throw DownloadErrors.FileExists(task, $"'{target}' is a directory; give a file name, or let the video be named {task.TaskId}.mp4 inside it.");
        }

        try
        {
            return await SaveAsync(task, url, target, options, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (DownloadErrors.IsFileSystemFailure(ex))
        {
            // Each step names its own path; this catches what none of them expected (closing the file, say).
            throw DownloadErrors.FileSystem(task, $"cannot save '{target}'", ex);
        }
    }

    private async Task<FileInfo> SaveAsync(HiApiTask task, Uri url, string target, DownloadOptions options, CancellationToken ct)
    {
        var directory = Path.GetDirectoryName(target)!;
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception ex) when (DownloadErrors.IsFileSystemFailure(ex))
        {
            throw DownloadErrors.FileSystem(task, $"cannot create the folder '{directory}'", ex);
        }

        RemoveAbandonedPartials(directory, Path.GetFileName(target));
        var temporary = Path.Combine(
            directory,
            $"{PartialPrefix(Path.GetFileName(target))}{Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant()}{PartialSuffix}");

        var completed = false;
        try
        {
            FileStream file;
            try
            {
                file = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, bufferSize: 1, FileOptions.Asynchronous);
            }
            catch (Exception ex) when (DownloadErrors.IsFileSystemFailure(ex))
            {
                throw DownloadErrors.FileSystem(task, $"cannot create the temporary file '{temporary}'", ex);
            }

            MarkTemporary(temporary, FileAttributes.Hidden | FileAttributes.NotContentIndexed, options);
            await using (file.ConfigureAwait(false))
            {
                var flusher = new WriteBehindFlusher(file, WriteBehindInterval);
                try
                {
                    var transfer = new VideoTransfer(task, url, file, temporary, flusher, options, ClientFor, TimeProvider)
                    {
                        CheckLength = options.Force ? null : length => AnotherFileInPlace(task, target, length),
                    };
                    await transfer.RunAsync(ct).ConfigureAwait(false);
                    await FlushToDiskAsync(task, file, temporary, flusher, ct).ConfigureAwait(false);
                }
                finally
                {
                    await flusher.DrainAsync().ConfigureAwait(false);
                    LastWriteBehindFlushes = flusher.Started;
                }
            }

            ct.ThrowIfCancellationRequested();
            // Verified: from here on the video is never deleted unless the same bytes are in place (the placement keeps it).
            completed = true;
            MarkTemporary(temporary, FileAttributes.Normal, options); // or the saved video would inherit Hidden
            return await Placement.PlaceAsync(task, temporary, target, options, videoIsKept: false, ct).ConfigureAwait(false);
        }
        finally
        {
            if (!completed)
            {
                TryDelete(temporary);
            }
        }
    }

    /// <summary>
    /// Puts a kept copy (see <see cref="VerifiedVideoPlacement"/>) at <paramref name="target"/> the way a download's
    /// verified file would go, without downloading: a re-run after a rename that failed.
    /// </summary>
    internal async Task<FileInfo> PlaceKeptAsync(HiApiTask task, string kept, string target, DownloadOptions options, CancellationToken ct)
    {
        try
        {
            var placed = await Placement.PlaceAsync(task, kept, Path.GetFullPath(target), options, videoIsKept: true, ct).ConfigureAwait(false);
            options.Log?.Invoke($"{task.TaskId}: moved the video kept as '{kept}' into place; nothing was downloaded.");
            return placed;
        }
        catch (Exception ex) when (DownloadErrors.IsFileSystemFailure(ex))
        {
            throw DownloadErrors.FileSystem(task, $"cannot save '{target}'", ex);
        }
    }

    private VerifiedVideoPlacement Placement => new(MoveFile, RenameRetryDelays, TimeProvider);

    /// <summary>
    /// A file already at the target, without -Force, whose length is not the video's (as storage announced it): it
    /// cannot hold this video, so the download stops at the headers. The same length is downloaded and compared.
    /// </summary>
    private static HiApiException? AnotherFileInPlace(HiApiTask task, string target, long videoLength)
    {
        var existing = new FileInfo(target);
        return existing.Exists && existing.Length != videoLength
            ? DownloadErrors.FileExists(
                task, $"'{target}' already exists and holds another file ({existing.Length} bytes; the video of task {task.TaskId} has {videoLength}); use -Force to overwrite it.")
            : null;
    }

    /// <summary>Sets the temporary file's attributes where <see cref="HidesTemporaryFiles"/>; cosmetic, so a refusal is only logged.</summary>
    private void MarkTemporary(string path, FileAttributes attributes, DownloadOptions options)
    {
        if (!HidesTemporaryFiles)
        {
            return;
        }

        try
        {
            SetAttributes(path, attributes);
        }
        catch (Exception ex) when (DownloadErrors.IsFileSystemFailure(ex))
        {
            options.Log?.Invoke($"Cannot set the attributes {attributes} on '{path}': {IoMessage.Of(ex)}");
        }
    }

    /// <summary>Durable before the rename; the background fsyncs only left the tail to write.</summary>
    private static async Task FlushToDiskAsync(HiApiTask task, FileStream file, string path, WriteBehindFlusher flusher, CancellationToken ct)
    {
        try
        {
            await flusher.CompleteAsync().ConfigureAwait(false);
            await file.FlushAsync(ct).ConfigureAwait(false);
            file.Flush(flushToDisk: true);
        }
        catch (Exception ex) when (DownloadErrors.IsFileSystemFailure(ex))
        {
            throw DownloadErrors.FileSystem(task, $"cannot flush '{path}' to disk", ex);
        }
    }

    private HttpClient ClientFor(Uri url) => _http ?? HttpClientPool.ForDownload(url);

    /// <summary>
    /// The <see cref="HiApiErrorKind.NotReady"/> error that says why a task that has not succeeded has no video (it failed,
    /// or it is not finished yet); null for a task that succeeded.
    /// </summary>
    public static HiApiException? NotDownloadable(HiApiTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (task.Status == HiApiTaskStatus.Success)
        {
            return null;
        }

        var detail = task.Status == HiApiTaskStatus.Fail && task.Error is { } error ? $" ({error})" : string.Empty;
        return new HiApiException(
            HiApiErrorKind.NotReady,
            task.Status == HiApiTaskStatus.Fail
                ? $"Task {task.TaskId} failed{detail}: there is no video to download."
                : $"Task {task.TaskId} is {task.DescribeStatus()}, not finished: there is no video to download yet; wait for it first.")
        {
            TaskId = task.TaskId,
            Task = task,
            ErrorCode = task.Error?.Code,
        };
    }

    private static Uri CheckDownloadable(HiApiTask task)
    {
        if (NotDownloadable(task) is { } notReady)
        {
            throw notReady;
        }

        if (task.VideoUrl is not { } videoUrl)
        {
            throw new HiApiException(HiApiErrorKind.InvalidResponse, $"Task {task.TaskId} succeeded but HiAPI listed no video output.")
            {
                TaskId = task.TaskId,
                Task = task,
            };
        }

        if (!LoopbackHost.TryParseAbsolute(videoUrl, out var url) || !StorageUrl.IsHttp(url))
        {
            throw new HiApiException(HiApiErrorKind.InvalidResponse, $"Task {task.TaskId}: the video URL is not an absolute http(s) URL.")
            {
                TaskId = task.TaskId,
                Task = task,
            };
        }

        return url;
    }

    /// <summary>
    /// The hidden temporary files of <paramref name="targetName"/> are <c>.&lt;name&gt;.&lt;8 hex&gt;.partial</c>. A name too
    /// long to take those 18 bytes within the usual 255 is shortened the way <see cref="PortableFileName"/> shortens
    /// names (deterministically), so the next download of the same target still finds what a killed one left.
    /// </summary>
    internal static string PartialPrefix(string targetName) =>
        Encoding.UTF8.GetByteCount(targetName) + PartialOverheadBytes > PortableFileName.MaxUtf8Bytes
            ? $".{PortableFileName.Shorten(targetName, targetName)}."
            : $".{targetName}.";

    /// <summary>
    /// A download whose process was killed (SIGKILL, power loss) leaves its temporary file behind, where nothing
    /// would ever remove it; remove such files of this target before downloading it again (but never a whole video:
    /// one that was verified and could not be renamed even to its kept name). A live download holds
    /// its file open with <see cref="FileShare.None"/> (an advisory lock on Unix), so an exclusive open that
    /// succeeds proves its writer is gone, and one that fails leaves a concurrent download alone.
    /// </summary>
    private static void RemoveAbandonedPartials(string directory, string targetName)
    {
        var prefix = PartialPrefix(targetName);
        string[] candidates;
        try
        {
            // Matched in code, not by a search pattern: a file name may itself contain '*' or '?'.
            candidates = Directory.EnumerateFiles(directory, "*" + PartialSuffix)
                .Where(path => IsPartialOf(Path.GetFileName(path), prefix))
                .ToArray();
        }
        catch (Exception unreadable) when (unreadable is IOException or UnauthorizedAccessException)
        {
            return;
        }

        foreach (var path in candidates)
        {
            bool whole;
            try
            {
                using var abandoned = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, bufferSize: 1);
                whole = Mp4Structure.Check(abandoned.SafeFileHandle, abandoned.Length).Verdict == Mp4Verdict.Whole;
            }
            catch (Exception inUse) when (inUse is IOException or UnauthorizedAccessException)
            {
                continue; // still being written by a live download, or already gone
            }

            // A whole video is a verified one that could not be renamed (see VerifiedVideoPlacement): never deleted.
            if (!whole)
            {
                TryDelete(path);
            }
        }
    }

    internal static bool IsPartialOf(string name, string prefix)
    {
        if (name.Length != prefix.Length + PartialTagLength + PartialSuffix.Length
            || !name.StartsWith(prefix, StringComparison.Ordinal)
            || !name.EndsWith(PartialSuffix, StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in name.AsSpan(prefix.Length, PartialTagLength))
        {
            if (!char.IsAsciiHexDigitLower(c)) // 0-9 or a-f: the tag is written in lower-case hex
            {
                return false;
            }
        }

        return true;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
