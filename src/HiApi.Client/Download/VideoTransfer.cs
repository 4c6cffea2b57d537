using System.Buffers;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace HiApi.Client;

/// <summary>
/// One download's attempts into its temporary file: request the video (following redirects, each checked), check
/// what storage answered, stream it to disk, verify the MP4 structure, and decide: done, resume with Range from the
/// bytes kept, start over, or give up. The file is whole and verified when <see cref="RunAsync"/> returns.
/// Attempts are counted honestly: one that gets no further into the file than an earlier one (or that was too
/// slow) spends a retry of the policy, so no host can keep a save going for ever.
/// </summary>
internal sealed class VideoTransfer
{
    private const int BufferSize = 256 * 1024;

    /// <summary>A backstop: even a host that gives a few more bytes on each attempt gets this many at most.</summary>
    private const int MaxAttempts = 50;

    /// <summary>Enough to quote an error page's title.</summary>
    private const int SmallBodyLimit = 4096;

    private readonly HiApiTask _task;
    private readonly FileStream _file;
    private readonly SafeFileHandle _handle;
    private readonly string _path;
    private readonly WriteBehindFlusher _flusher;
    private readonly DownloadOptions _options;
    private readonly Func<Uri, HttpClient> _clientFor;
    private readonly TimeProvider _time;
    private readonly ProgressThrottle _progress;

    /// <summary>Where the video was last found: after a redirect, resumes go straight there.</summary>
    private Uri _url;

    /// <summary>Bytes in the file, contiguous from its start, none known to be invalid.</summary>
    private long _written;

    /// <summary>The furthest <see cref="_written"/> any attempt reached: only going beyond it is progress.</summary>
    private long _highWater;

    /// <summary>The object the bytes in the file come from; null while the file is empty.</summary>
    private StoredObject? _object;

    public VideoTransfer(
        HiApiTask task, Uri url, FileStream file, string path, WriteBehindFlusher flusher, DownloadOptions options,
        Func<Uri, HttpClient> clientFor, TimeProvider time)
    {
        _task = task;
        _url = url;
        _file = file;
        // Writes go through the handle at explicit offsets, so the background fsync (through the FileStream, which
        // is then used for nothing else but truncation) never races the stream's own position bookkeeping.
        _handle = file.SafeFileHandle;
        _path = path;
        _flusher = flusher;
        _options = options;
        _clientFor = clientFor;
        _time = time;
        _progress = new ProgressThrottle(task.TaskId, options.Progress);
    }

    /// <summary>
    /// Asked with the video's whole length when storage first announces it (a 200): an error ends the download there,
    /// before its body is read (a file in place that cannot be this video).
    /// </summary>
    public Func<long, HiApiException?>? CheckLength { get; init; }

    public async Task RunAsync(CancellationToken ct)
    {
        var policy = _options.RetryPolicy ?? RetryPolicy.Default;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        var failuresWithoutProgress = 0;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                ct.ThrowIfCancellationRequested();
                var (failure, tooSlow) = await AttemptAsync(buffer, ct).ConfigureAwait(false);
                if (failure is null)
                {
                    return;
                }

                // A failed attempt that got further than all before starts a fresh count; any other spends a retry.
                var progressed = !tooSlow && _written > _highWater;
                _highWater = Math.Max(_highWater, _written);
                failuresWithoutProgress = progressed ? 1 : failuresWithoutProgress + 1;
                if (failuresWithoutProgress > policy.MaxRetries || attempt >= MaxAttempts)
                {
                    throw failure.With(message: $"{failure.Message} (Gave up after {attempt} attempts.)");
                }

                // A URL that expired while we were retrying cannot come back.
                DownloadErrors.ThrowIfExpired(_task, _time);
                var delay = policy.GetDelay(failuresWithoutProgress, failure.RetryAfter, Random.Shared);
                _options.Log?.Invoke(
                    $"{_task.TaskId}: download attempt {attempt} ended at byte {_written}: {failure.Message} " +
                    $"Retry {failuresWithoutProgress} of {policy.MaxRetries} without progress in {delay.TotalSeconds:0.##} s" +
                    (_written == 0 ? "."
                        : _object?.IfRange is not null ? $", resuming from byte {_written}."
                        : ", from the start: storage named no strong validator (an ETag, or a Last-Modified date) to resume the same object by."));
                await policy.Delay(delay, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>One request and its body: null when the file is now whole and verified, else why not.</summary>
    private async Task<(HiApiException? Failure, bool TooSlow)> AttemptAsync(byte[] buffer, CancellationToken ct)
    {
        if (_written > 0 && _object?.IfRange is null)
        {
            Restart(); // resuming without a validator could append another object's bytes: start over instead
        }

        using var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var watchdog = new TransferWatchdog(_time, _options, attemptCts);
        try
        {
            var (response, url) = await SendAsync(attemptCts.Token).ConfigureAwait(false);
            using (response)
            {
                watchdog.Received(0);
                return (await ReceiveAsync(response, url, watchdog, buffer, attemptCts.Token, ct).ConfigureAwait(false), false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            // Disk failures arrive here already turned into HiApiException: an IOException here is the network's.
            var reason = watchdog.Reason ?? (ex is OperationCanceledException ? "the transfer was cancelled" : ConnectFailure.Describe(ex));
            return (DropIfInvalid() ?? DownloadErrors.Transfer(_task, reason, ex), watchdog.TooSlow);
        }
    }

    /// <summary>GET the video from byte <see cref="_written"/>, following at most five redirects, each checked first.</summary>
    private async Task<(HttpResponseMessage Response, Uri Url)> SendAsync(CancellationToken token)
    {
        var url = _url;
        for (var hop = 0; ; hop++)
        {
            // The URL is signed: no Authorization header, ever, on any hop.
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (_written > 0)
            {
                // Only the rest of the object the file holds: if storage has another one now, it answers 200 with that.
                request.Headers.Range = new RangeHeaderValue(_written, null);
                request.Headers.IfRange = _object!.IfRange;
            }

            var response = await _clientFor(url).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
            if (!StorageUrl.IsRedirect(response.StatusCode))
            {
                return (response, url);
            }

            using (response)
            {
                if (hop == StorageUrl.MaxRedirects)
                {
                    throw DownloadErrors.InvalidResponse(_task, $"storage redirected more than {StorageUrl.MaxRedirects} times");
                }

                url = StorageUrl.RedirectTarget(url, response, out var problem) ?? throw DownloadErrors.InvalidResponse(_task, problem);
            }
        }
    }

    private async Task<HiApiException?> ReceiveAsync(
        HttpResponseMessage response, Uri url, TransferWatchdog watchdog, byte[] buffer, CancellationToken token, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        var headers = response.Content.Headers;
        long? total; // the whole file's length, when storage said
        if (status == 200)
        {
            if (_written > 0)
            {
                // The object changed (If-Range did not match) or the server ignores Range: start over rather than splice.
                _options.Log?.Invoke($"{_task.TaskId}: storage sent the whole video again for a resume at byte {_written}; starting over.");
                Restart();
            }

            total = headers.ContentLength;
            _object = StoredObject.Of(response, total);
            ThrowIfRefused(total);
        }
        else if (status == 206 && headers.ContentRange is { From: { } from } range && from == _written
            && IsConsistent(range, headers.ContentLength))
        {
            total = range.Length ?? _object?.Length ?? (headers.ContentLength is { } length ? _written + length : null);
            if (_written == 0)
            {
                _object = StoredObject.Of(response, total);
                ThrowIfRefused(total);
            }
            else if (_object!.DescribeChange(response, range.Length, validatorRequired: true) is { } change)
            {
                return StartOver($"storage answered the resume at byte {_written} with {change}");
            }
        }
        else if (status == 416 && _written > 0 && headers.ContentRange is { Length: { } length } && length == _written
            && _object!.DescribeChange(response, length, validatorRequired: false) is null)
        {
            // Nothing lies beyond the bytes we have of this object: the file ends here, so it must be whole now.
            _url = url;
            return Verify(complete: true);
        }
        else if (status is 206 or 416)
        {
            return StartOver($"storage answered {status} {Describe(headers.ContentRange)} for a resume at byte {_written}");
        }
        else
        {
            var error = await ReadErrorAsync(response, token).ConfigureAwait(false);
            return RetryRules.IsPassing(error) ? error : throw error;
        }

        _url = url;
        if (StorageContentType.IsRefused(headers.ContentType))
        {
            var page = ApiErrorReader.Excerpt(await ReadSmallBodyAsync(response, token).ConfigureAwait(false));
            Restart();
            return DownloadErrors.InvalidVideo(
                _task, $"storage answered {status} {headers.ContentType!.MediaType}{(page.Length == 0 ? "" : ": " + BodyExcerpt.Clean(page, 120))}");
        }

        var fromStart = _written == 0;
        var stream = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            while (true)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(0, BufferSize), token).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                watchdog.Received(read);
                await WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
                if (total is { } limit && _written > limit)
                {
                    throw DownloadErrors.InvalidResponse(_task, $"storage sent more bytes than the {limit} it announced");
                }

                // The first bytes can already prove it is no MP4: do not download a whole page or blob to find out.
                if (fromStart)
                {
                    fromStart = false;
                    if (DropIfInvalid() is { } invalid)
                    {
                        return invalid;
                    }
                }

                _progress.Report(_written, total);
            }
        }

        if (total is { } expected && _written < expected)
        {
            return DropIfInvalid() ?? DownloadErrors.Transfer(_task, $"the body ended after {_written} of {expected} bytes");
        }

        return Verify(complete: total is not null);
    }

    /// <summary>
    /// The body ended: null if the file is a whole MP4. A file whose boxes say more must follow is resumed when
    /// storage gave no length (a cut transfer), and invalid when storage said this was all of it.
    /// </summary>
    private HiApiException? Verify(bool complete)
    {
        var check = CheckStructure();
        if (check.Verdict == Mp4Verdict.Whole)
        {
            _progress.ReportFinal(_written, _written);
            return null;
        }

        if (check.Verdict == Mp4Verdict.Truncated && !complete)
        {
            return DownloadErrors.Transfer(_task, $"the body ended after {_written} bytes, but {check.Problem}");
        }

        Restart();
        return DownloadErrors.InvalidVideo(
            _task, check.Verdict == Mp4Verdict.Truncated ? $"storage sent every byte it announced, but {check.Problem}" : check.Problem!);
    }

    /// <summary>After a cut: a beginning that can never become an MP4 is thrown away instead of resumed.</summary>
    private HiApiException? DropIfInvalid()
    {
        if (_written == 0)
        {
            return null;
        }

        var check = CheckStructure();
        if (check.Verdict != Mp4Verdict.Invalid)
        {
            return null;
        }

        Restart();
        return DownloadErrors.InvalidVideo(_task, check.Problem!);
    }

    private Mp4Check CheckStructure()
    {
        try
        {
            return Mp4Structure.Check(_handle, _written);
        }
        catch (Exception ex) when (DownloadErrors.IsFileSystemFailure(ex))
        {
            throw DownloadErrors.FileSystem(_task, $"cannot read back '{_path}'", ex);
        }
    }

    private async Task WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        try
        {
            await RandomAccess.WriteAsync(_handle, bytes, _written, ct).ConfigureAwait(false);
            _written += bytes.Length;
            _flusher.Written(_written); // a failed background fsync surfaces here
        }
        catch (Exception ex) when (DownloadErrors.IsFileSystemFailure(ex))
        {
            throw DownloadErrors.FileSystem(_task, $"cannot write '{_path}'", ex);
        }
    }

    private void ThrowIfRefused(long? total)
    {
        if (total is { } length && CheckLength?.Invoke(length) is { } refused)
        {
            throw refused;
        }
    }

    /// <summary>Whether a 206's Content-Range can be the bytes asked for: a last byte within its own total, and as many bytes as Content-Length.</summary>
    private static bool IsConsistent(ContentRangeHeaderValue range, long? contentLength) =>
        range.To is { } to && to >= range.From
        && (range.Length is not { } total || to < total)
        && (contentLength is not { } length || length == to - range.From + 1);

    private static string Describe(ContentRangeHeaderValue? range) => range is null ? "without a Content-Range" : $"with Content-Range {range}";

    /// <summary>The answer to a resume is not the rest of the object in the file: empty it, and say so for the retry.</summary>
    private HiApiException StartOver(string reason)
    {
        Restart();
        return DownloadErrors.Transfer(_task, $"{reason}; starting over");
    }

    /// <summary>Empties the temporary file to download from scratch.</summary>
    private void Restart()
    {
        try
        {
            _file.SetLength(0);
        }
        catch (Exception ex) when (DownloadErrors.IsFileSystemFailure(ex))
        {
            throw DownloadErrors.FileSystem(_task, $"cannot truncate '{_path}'", ex);
        }

        _flusher.Restarted();
        _written = 0;
        _object = null;
    }

    private async Task<HiApiException> ReadErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        var body = await ReadSmallBodyAsync(response, ct).ConfigureAwait(false);
        var reason = string.IsNullOrWhiteSpace(response.ReasonPhrase) ? ApiErrorReader.DescribeStatus(status) : response.ReasonPhrase;
        var excerpt = ApiErrorReader.Excerpt(body);
        var said = excerpt.Length == 0 ? string.Empty : $": {excerpt}";

        var expiredNow = _task.ExpiresAt is { } expiresAt && expiresAt <= _time.GetUtcNow();
        if (status is 403 or 404 or 410 && (expiredNow || body.Contains("expired", StringComparison.OrdinalIgnoreCase)))
        {
            return DownloadErrors.Expired(_task, $"storage answered {status} {reason}{said}", status);
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

        return new HiApiException(kind, $"Downloading the video of task {_task.TaskId}: storage answered {status} {reason}{said}.")
        {
            StatusCode = status,
            TaskId = _task.TaskId,
            Task = _task,
            RetryAfter = ApiErrorReader.ReadRetryAfter(response.Headers, _time.GetUtcNow()),
        };
    }

    private static async Task<string> ReadSmallBodyAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var buffer = new byte[SmallBodyLimit];
                var total = 0;
                int read;
                while (total < SmallBodyLimit && (read = await stream.ReadAsync(buffer.AsMemory(total), ct).ConfigureAwait(false)) > 0)
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
}
