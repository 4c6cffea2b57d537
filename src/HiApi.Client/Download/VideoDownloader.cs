using System.Security.Cryptography;
using System.Text;

namespace HiApi.Client;

/// <summary>
/// Saves a task's video from its temporary signed URL. Streams through a fixed buffer into a hidden temporary file
/// beside the target, verifies that it is a whole MP4, and only then renames it, so memory stays flat and a failure
/// never leaves a partial <c>.mp4</c> that looks finished; the temporary file of a process killed mid-download is
/// removed by the next download of the same target. The URL is signed: the request carries no <c>Authorization</c>
/// header, ever, whatever its host. Every failure is a <see cref="HiApiException"/> naming the task, disk errors
/// included (<see cref="HiApiErrorKind.FileSystem"/>), so one bad save never ends a pipeline of many.
/// </summary>
public sealed class VideoDownloader
{
    private const string PartialSuffix = ".partial";
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

        if (File.Exists(target) && !options.Force)
        {
            throw DownloadErrors.FileExists(task, $"'{target}' already exists; use -Force to overwrite it.");
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

    /// <summary>Whether the file that took <paramref name="target"/>'s place holds exactly the video just downloaded.</summary>
    private static bool IsTheSameVideo(string target, string downloaded)
    {
        try
        {
            if (new FileInfo(target).Length != new FileInfo(downloaded).Length || Mp4Structure.Check(target).Verdict != Mp4Verdict.Whole)
            {
                return false;
            }

            using var theirs = new FileStream(target, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
            using var ours = new FileStream(downloaded, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
            Span<byte> a = new byte[1 << 16];
            Span<byte> b = new byte[1 << 16];
            int read;
            while ((read = theirs.Read(a)) > 0)
            {
                ours.ReadExactly(b[..read]);
                if (!a[..read].SequenceEqual(b[..read]))
                {
                    return false;
                }
            }

            return true;
        }
        catch (Exception ex) when (DownloadErrors.IsFileSystemFailure(ex))
        {
            return false;
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

            await using (file.ConfigureAwait(false))
            {
                var flusher = new WriteBehindFlusher(file, WriteBehindInterval);
                try
                {
                    var transfer = new VideoTransfer(task, url, file, temporary, flusher, options, ClientFor, TimeProvider);
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
            try
            {
                File.Move(temporary, target, overwrite: options.Force);
            }
            catch (IOException) when (!options.Force && File.Exists(target))
            {
                if (IsTheSameVideo(target, temporary))
                {
                    // Another process (a second resume on the same ledger) saved this very video meanwhile: it is saved.
                    completed = false; // the finally removes our copy
                    return new FileInfo(target);
                }

                throw DownloadErrors.FileExists(task, $"'{target}' appeared while downloading; use -Force to overwrite it.");
            }
            catch (Exception ex) when (DownloadErrors.IsFileSystemFailure(ex))
            {
                throw DownloadErrors.FileSystem(task, $"cannot rename '{temporary}' to '{target}'", ex);
            }

            completed = true;
            return new FileInfo(target);
        }
        finally
        {
            if (!completed)
            {
                TryDelete(temporary);
            }
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

    private static Uri CheckDownloadable(HiApiTask task)
    {
        if (task.Status != HiApiTaskStatus.Success)
        {
            var detail = task.Status == HiApiTaskStatus.Fail && task.Error is { } error ? $" ({error})" : string.Empty;
            throw new HiApiException(
                HiApiErrorKind.NotReady,
                $"Task {task.TaskId} is {task.DescribeStatus()}{detail}, not success: there is no video to download" +
                (task.Status == HiApiTaskStatus.Fail ? "." : " yet; wait for it first."))
            {
                TaskId = task.TaskId,
                Task = task,
                ErrorCode = task.Error?.Code,
            };
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
    private static string PartialPrefix(string targetName) =>
        Encoding.UTF8.GetByteCount(targetName) + PartialOverheadBytes > PortableFileName.MaxUtf8Bytes
            ? $".{PortableFileName.Shorten(targetName, targetName)}."
            : $".{targetName}.";

    /// <summary>
    /// A download whose process was killed (SIGKILL, power loss) leaves its temporary file behind, where nothing
    /// would ever remove it; remove such files of this target before downloading it again. A live download holds
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
            try
            {
                using var abandoned = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, bufferSize: 1, FileOptions.DeleteOnClose);
            }
            catch (Exception inUse) when (inUse is IOException or UnauthorizedAccessException)
            {
                // Still being written by a live download, or already gone.
            }
        }
    }

    private static bool IsPartialOf(string name, string prefix)
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
