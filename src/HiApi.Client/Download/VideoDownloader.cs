using System.Buffers;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace HiApi.Client;

/// <summary>
/// Saves a task's video from its temporary signed URL. Streams through a fixed buffer into a hidden
/// temporary file beside the target and renames it only when every byte arrived, so memory stays
/// flat and a failure never leaves a partial <c>.mp4</c> that looks finished; the temporary file of a
/// process killed mid-download is removed by the next download of the same target. The URL is signed:
/// the request carries no <c>Authorization</c> header, ever, whatever its host.
/// </summary>
public sealed class VideoDownloader
{
    private const int BufferSize = 80 * 1024;
    private const string PartialSuffix = ".partial";
    private const int PartialTagLength = 8;

    /// <summary>A server that cuts every attempt short but still makes progress must not loop forever.</summary>
    private const int MaxAttempts = 50;

    /// <summary>Write-back is started in the background every this many bytes (see <see cref="WriteBehindFlusher"/>).</summary>
    private const long DefaultWriteBehindInterval = 64L * 1024 * 1024;

    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(100);

    private readonly HttpClient? _http;

    /// <summary>Uses the process-wide pooled storage clients (no decompression, redirects followed).</summary>
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

    /// <summary>For tests: the clock that decides whether a URL has expired.</summary>
    internal TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>How long a response may send nothing before the attempt counts as failed and is retried.</summary>
    internal TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(60);

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
        var target = Path.GetFullPath(targetFile);
        if (Directory.Exists(target))
        {
            throw FileExists(task, $"'{target}' is a directory; give a file name, or let the video be named {task.TaskId}.mp4 inside it.");
        }

        if (File.Exists(target) && !options.Force)
        {
            throw FileExists(task, $"'{target}' already exists; use -Force to overwrite it.");
        }

        var directory = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(directory);
        RemoveAbandonedPartials(directory, Path.GetFileName(target));
        var temporary = Path.Combine(
            directory,
            $"{PartialPrefix(Path.GetFileName(target))}{Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant()}{PartialSuffix}");

        var completed = false;
        try
        {
            var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, bufferSize: 1, FileOptions.Asynchronous);
            await using (file.ConfigureAwait(false))
            {
                var flusher = new WriteBehindFlusher(file, WriteBehindInterval);
                try
                {
                    await DownloadIntoAsync(task, url, file, flusher, options, ct).ConfigureAwait(false);
                    await flusher.CompleteAsync().ConfigureAwait(false);
                    await file.FlushAsync(ct).ConfigureAwait(false);
                    // Durable before the rename; the background fsyncs only left the tail to write.
                    file.Flush(flushToDisk: true);
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
                throw FileExists(task, $"'{target}' appeared while downloading; use -Force to overwrite it.");
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

    private Uri CheckDownloadable(HiApiTask task)
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

        if (!LoopbackHost.TryParseAbsolute(videoUrl, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            throw new HiApiException(HiApiErrorKind.InvalidResponse, $"Task {task.TaskId}: the video URL is not an absolute http(s) URL.")
            {
                TaskId = task.TaskId,
                Task = task,
            };
        }

        ThrowIfExpired(task);
        return url;
    }

    private void ThrowIfExpired(HiApiTask task)
    {
        if (task.ExpiresAt is { } expiresAt && expiresAt <= TimeProvider.GetUtcNow())
        {
            throw Expired(task, $"its temporary URL expired at {expiresAt.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC");
        }
    }

    private async Task DownloadIntoAsync(
        HiApiTask task, Uri url, FileStream file, WriteBehindFlusher flusher, DownloadOptions options, CancellationToken ct)
    {
        // Writes go through the handle at explicit offsets, so the background fsync (through the FileStream, which
        // is then used for nothing else but truncation) never races the stream's own position bookkeeping.
        var handle = file.SafeFileHandle;
        var http = _http ?? HttpClientPool.ForDownload(url);
        var policy = options.RetryPolicy ?? RetryPolicy.Default;
        var progress = new ProgressThrottle(task.TaskId, options.Progress);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        long written = 0;
        var failuresWithoutProgress = 0;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                ct.ThrowIfCancellationRequested();
                var writtenBefore = written;
                HiApiException? failure = null;
                var writingToDisk = false;

                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                if (written > 0)
                {
                    request.Headers.Range = new RangeHeaderValue(written, null);
                }

                using var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
                attemptCts.CancelAfter(StallTimeout);
                try
                {
                    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attemptCts.Token)
                        .ConfigureAwait(false);
                    var status = (int)response.StatusCode;
                    long? expected = null;
                    if (status == 200)
                    {
                        if (written > 0)
                        {
                            // The server ignored the Range header: start over rather than append a second copy.
                            file.SetLength(0);
                            flusher.Restarted();
                            written = 0;
                            writtenBefore = 0;
                        }

                        expected = response.Content.Headers.ContentLength;
                    }
                    else if (status == 206 && response.Content.Headers.ContentRange is { From: { } from } range && from == written)
                    {
                        expected = range.Length ?? (response.Content.Headers.ContentLength is { } length ? written + length : null);
                    }
                    else if (status is 206 or 416)
                    {
                        failure = Transfer(task, $"storage answered {status} for a resume at byte {written}; starting over");
                        file.SetLength(0);
                        flusher.Restarted();
                        written = 0;
                    }
                    else
                    {
                        var error = await ReadErrorAsync(task, response, attemptCts.Token).ConfigureAwait(false);
                        if (!error.IsTransient)
                        {
                            throw error;
                        }

                        failure = error;
                    }

                    if (failure is null)
                    {
                        var stream = await response.Content.ReadAsStreamAsync(attemptCts.Token).ConfigureAwait(false);
                        await using (stream.ConfigureAwait(false))
                        {
                            while (true)
                            {
                                attemptCts.CancelAfter(StallTimeout);
                                var read = await stream.ReadAsync(buffer.AsMemory(0, BufferSize), attemptCts.Token).ConfigureAwait(false);
                                if (read == 0)
                                {
                                    break;
                                }

                                writingToDisk = true;
                                await RandomAccess.WriteAsync(handle, buffer.AsMemory(0, read), written, ct).ConfigureAwait(false);
                                written += read;
                                flusher.Written(written);
                                writingToDisk = false;
                                if (expected is { } limit && written > limit)
                                {
                                    throw new HiApiException(
                                        HiApiErrorKind.InvalidResponse,
                                        $"Downloading the video of task {task.TaskId}: storage sent more bytes than the {limit} it announced.")
                                    {
                                        TaskId = task.TaskId,
                                        Task = task,
                                    };
                                }

                                progress.Report(written, expected);
                            }
                        }

                        if (expected is null || written == expected)
                        {
                            progress.ReportFinal(written, expected ?? written);
                            return;
                        }

                        failure = Transfer(task, $"the body ended after {written} of {expected} bytes");
                    }
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    throw;
                }
                catch (Exception ex) when (!writingToDisk && ex is HttpRequestException or IOException or OperationCanceledException)
                {
                    var reason = ex is OperationCanceledException
                        ? $"no data for {StallTimeout.TotalSeconds:0.##} s"
                        : ConnectFailure.Describe(ex);
                    failure = Transfer(task, reason, ex);
                }

                failuresWithoutProgress = written > writtenBefore ? 0 : failuresWithoutProgress + 1;
                if (failuresWithoutProgress > policy.MaxRetries || attempt >= MaxAttempts)
                {
                    throw failure!.With(message: $"{failure!.Message} (Gave up after {attempt} attempts.)");
                }

                // A URL that expired while we were retrying cannot come back.
                ThrowIfExpired(task);
                var delay = policy.GetDelay(Math.Max(1, failuresWithoutProgress), failure!.RetryAfter, Random.Shared);
                await policy.Delay(delay, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<HiApiException> ReadErrorAsync(HiApiTask task, HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        var body = await ReadSmallBodyAsync(response, ct).ConfigureAwait(false);
        var reason = string.IsNullOrWhiteSpace(response.ReasonPhrase) ? ApiErrorReader.DescribeStatus(status) : response.ReasonPhrase;
        var excerpt = ApiErrorReader.Excerpt(body);
        var said = excerpt.Length == 0 ? string.Empty : $": {excerpt}";

        var expiredNow = task.ExpiresAt is { } expiresAt && expiresAt <= TimeProvider.GetUtcNow();
        if (status is 403 or 404 or 410 && (expiredNow || body.Contains("expired", StringComparison.OrdinalIgnoreCase)))
        {
            return Expired(task, $"storage answered {status} {reason}{said}", status);
        }

        var kind = status switch
        {
            404 or 410 => HiApiErrorKind.NotFound,
            _ => ApiErrorReader.KindOf(status),
        };

        // 401/403 here come from storage, not from the API key (none is sent), so say so.
        if (kind == HiApiErrorKind.Unauthorized)
        {
            kind = HiApiErrorKind.InvalidResponse;
        }

        return new HiApiException(kind, $"Downloading the video of task {task.TaskId}: storage answered {status} {reason}{said}.")
        {
            StatusCode = status,
            TaskId = task.TaskId,
            Task = task,
            RetryAfter = ApiErrorReader.ReadRetryAfter(response.Headers, TimeProvider.GetUtcNow()),
        };
    }

    private static async Task<string> ReadSmallBodyAsync(HttpResponseMessage response, CancellationToken ct)
    {
        const int Limit = 4096;
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var buffer = new byte[Limit];
                var total = 0;
                int read;
                while (total < Limit && (read = await stream.ReadAsync(buffer.AsMemory(total), ct).ConfigureAwait(false)) > 0)
                {
                    total += read;
                }

                return Encoding.UTF8.GetString(buffer, 0, total);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return string.Empty;
        }
    }

    private static HiApiException Transfer(HiApiTask task, string reason, Exception? inner = null) =>
        new(HiApiErrorKind.Network, $"Downloading the video of task {task.TaskId} failed: {reason}.", inner)
        {
            TaskId = task.TaskId,
            Task = task,
        };

    private static HiApiException Expired(HiApiTask task, string detail, int? status = null) =>
        new(HiApiErrorKind.OutputExpired,
            $"The video of task {task.TaskId} can no longer be downloaded: {detail}. Temporary storage drops outputs; the task must be generated again.")
        {
            StatusCode = status,
            TaskId = task.TaskId,
            Task = task,
        };

    private static HiApiException FileExists(HiApiTask task, string message) =>
        new(HiApiErrorKind.FileExists, message) { TaskId = task.TaskId, Task = task };

    /// <summary>The hidden temporary files of <paramref name="targetName"/> are <c>.&lt;name&gt;.&lt;8 hex&gt;.partial</c>.</summary>
    private static string PartialPrefix(string targetName) => $".{targetName}.";

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

    /// <summary>Progress at most every ~100 ms: a fast download would otherwise flood the host with updates.</summary>
    private sealed class ProgressThrottle
    {
        private readonly string _taskId;
        private readonly IProgress<DownloadProgress>? _progress;
        private long _lastReport = long.MinValue;

        public ProgressThrottle(string taskId, IProgress<DownloadProgress>? progress)
        {
            _taskId = taskId;
            _progress = progress;
        }

        public void Report(long received, long? total)
        {
            if (_progress is null)
            {
                return;
            }

            var now = Stopwatch.GetTimestamp();
            if (_lastReport != long.MinValue && Stopwatch.GetElapsedTime(_lastReport, now) < ProgressInterval)
            {
                return;
            }

            _lastReport = now;
            _progress.Report(new DownloadProgress(_taskId, received, total));
        }

        public void ReportFinal(long received, long total) =>
            _progress?.Report(new DownloadProgress(_taskId, received, total));
    }
}
