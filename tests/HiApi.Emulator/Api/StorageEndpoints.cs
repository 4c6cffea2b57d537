using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using HiApi.Emulator.Hosting;
using HiApi.Emulator.Storage;
using HiApi.Emulator.Tasks;
using HiApi.Mock.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace HiApi.Emulator.Api;

/// <summary>
/// The temporary storage behind <c>output[].url</c>: <c>GET|HEAD /storage/{taskId}.mp4?expires=..&amp;sig=..</c>.
/// The signed URL is the only credential (no Authorization needed); after <c>expireAt</c> it answers 403
/// <c>Request has expired</c>. Supports <c>Range</c> (with <c>If-Range</c>) so clients can resume, names each object
/// with a strong ETag and a Last-Modified as object storage does, and streams, so large padded files cost no memory.
/// </summary>
internal sealed class StorageEndpoints(EmulatorState state)
{
    /// <summary>When each replaced video (see <see cref="EmulatorOptions.StorageReplacesObjectOnResume"/>) was replaced.</summary>
    private readonly ConcurrentDictionary<string, DateTimeOffset> _replacedAt = new(StringComparer.Ordinal);

    public const string ExpiredMessage = "Request has expired";
    public const string BadSignatureMessage = "Signature does not match";
    private const int TruncationGraceMs = 250;

    /// <summary>What a misconfigured bucket or a captive portal sends with a 200: not a video.</summary>
    private static readonly byte[] StorageErrorHtml = System.Text.Encoding.UTF8.GetBytes(
        "<html><head><title>Service Unavailable</title></head><body><h1>Storage is temporarily unavailable</h1></body></html>\n");

    public async Task DownloadAsync(HttpContext context)
    {
        var faults = state.Options.Faults;
        if (await FaultInjection.TryInjectAsync(context, state, faults))
        {
            return;
        }

        var fileName = context.Request.RouteValues["fileName"] as string ?? "";
        var query = context.Request.Query;
        if (!fileName.EndsWith(".mp4", StringComparison.Ordinal)
            || !long.TryParse(query["expires"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            || !state.Signer.Verify(fileName[..^4], expires, query["sig"].ToString()))
        {
            await ApiResponses.WritePlainTextAsync(context, StatusCodes.Status403Forbidden, BadSignatureMessage);
            return;
        }

        if (state.Clock.GetUtcNow().ToUnixTimeMilliseconds() >= expires * 1000)
        {
            await ApiResponses.WritePlainTextAsync(context, StatusCodes.Status403Forbidden, ExpiredMessage);
            return;
        }

        var task = state.Tasks.Find(fileName[..^4]);
        if (task is null || task.Status != TaskStatuses.Success)
        {
            await ApiResponses.WritePlainTextAsync(context, StatusCodes.Status404NotFound, "Not Found");
            return;
        }

        var options = state.Options;
        if (options.StorageRedirectTo is { } location)
        {
            context.Response.StatusCode = StatusCodes.Status302Found;
            context.Response.Headers.Location = location;
            return;
        }
        if (options.StorageServesHtml)
        {
            await ApiResponses.WriteHtmlAsync(context, StatusCodes.Status200OK, StorageErrorHtml);
            return;
        }

        var total = state.Video.LengthFor(options.VideoSizeBytes);
        var taskId = fileName[..^4];
        if (options.StorageReplacesObjectOnResume && context.Request.Headers.Range.Count > 0)
        {
            _replacedAt.TryAdd(taskId, state.Clock.GetUtcNow());
        }

        var replaced = _replacedAt.TryGetValue(taskId, out var replacedAt);
        var version = replaced ? 1 : 0;
        // Whole seconds, as HTTP dates are; a replacement is at least a second younger, so its date differs too.
        var lastModified = TruncateToSeconds(replaced ? Later(replacedAt, task.FinishedAt.AddSeconds(1)) : task.FinishedAt);
        var eTag = ETagOf(taskId, total, version);
        context.Response.Headers.ETag = eTag;
        context.Response.Headers.LastModified = lastModified.ToString("R", CultureInfo.InvariantCulture);

        // A storage that ignores Range still advertises it: only the 200 (not 206) tells the client its offset was lost.
        // An If-Range that names another object (RFC 9110 13.1.5) means "send it all" (unless told to ignore it).
        var ifRangeHolds = options.StorageIgnoresIfRange || IfRangeHolds(context.Request, eTag, lastModified);
        if (options.StorageIgnoresRange || !ifRangeHolds
            || !TryGetRange(context.Request, total, out var start, out var end, out var unsatisfiable))
        {
            start = 0;
            end = total - 1;
            unsatisfiable = false;
        }
        if (unsatisfiable)
        {
            context.Response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
            context.Response.Headers.ContentRange = $"bytes */{total}";
            return;
        }

        var length = end - start + 1;
        var partial = start != 0 || end != total - 1;
        context.Response.StatusCode = partial ? StatusCodes.Status206PartialContent : StatusCodes.Status200OK;
        context.Response.ContentType = options.StorageContentType ?? "video/mp4";
        if (!options.StorageOmitContentLength)
        {
            context.Response.ContentLength = length;
        }
        context.Response.Headers.AcceptRanges = "bytes";
        if (partial)
        {
            context.Response.Headers.ContentRange = $"bytes {start}-{end}/{total}";
        }
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        var pacer = new DownloadPacer(options.DownloadBytesPerSecond);
        if (CutAfter(faults, options, length) is { } cutAfter)
        {
            // The answer's headers promised more (or, without Content-Length, nothing); stop here and cut the connection.
            state.Faults.Counters.CountTruncatedDownload();
            await state.Video.WriteAsync(context.Response.Body, total, start, cutAfter, pacer, context.RequestAborted, version);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            // A flush only hands the bytes to Kestrel's transport; give it time to put them on the wire, or the
            // abort would discard them and the client would see a reset before even the status line.
            await Task.Delay(TruncationGraceMs, context.RequestAborted);
            context.Abort();
            return;
        }

        await state.Video.WriteAsync(context.Response.Body, total, start, length, pacer, context.RequestAborted, version);
    }

    /// <summary>A strong ETag naming the object: the task, its size and its version.</summary>
    private static string ETagOf(string taskId, long total, int version) =>
        $"\"{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{taskId}/{total}/{version}")), 0, 8).ToLowerInvariant()}\"";

    /// <summary>
    /// Whether a Range request's If-Range (if any) names this object: the strong ETag exactly, or the Last-Modified
    /// date exactly. A weak ETag never matches (RFC 9110 13.1.5); an unparsable value does not either.
    /// </summary>
    private static bool IfRangeHolds(HttpRequest request, string eTag, DateTimeOffset lastModified)
    {
        var condition = request.Headers.IfRange.ToString().Trim();
        if (condition.Length == 0)
        {
            return true;
        }

        if (condition.StartsWith('"') || condition.StartsWith("W/", StringComparison.Ordinal))
        {
            return condition == eTag;
        }

        return DateTimeOffset.TryParseExact(condition, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            && date == lastModified;
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset time) => DateTimeOffset.FromUnixTimeSeconds(time.ToUnixTimeSeconds());

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    /// <summary>
    /// How many body bytes to send before cutting: about half on a <see cref="FaultOptions.TruncateDownloadRate"/> roll,
    /// else <see cref="EmulatorOptions.TruncateEveryDownloadAtBytes"/> when the body is longer; null to send it whole.
    /// </summary>
    private long? CutAfter(FaultOptions faults, EmulatorOptions options, long length)
    {
        if (state.Faults.Roll(faults.TruncateDownloadRate))
        {
            return length / 2;
        }
        return options.TruncateEveryDownloadAtBytes is { } every and > 0 && every < length ? every : null;
    }

    /// <summary>
    /// One range, <c>bytes=N-</c>, <c>bytes=N-M</c> or <c>bytes=-K</c>. Anything else (several ranges, other
    /// units, garbage) is ignored and the whole file is served, as HTTP allows.
    /// </summary>
    private static bool TryGetRange(HttpRequest request, long total, out long start, out long end, out bool unsatisfiable)
    {
        start = 0;
        end = total - 1;
        unsatisfiable = false;
        if (!RangeHeaderValue.TryParse(request.Headers.Range.ToString(), out var header)
            || !string.Equals(header.Unit.Value, "bytes", StringComparison.OrdinalIgnoreCase)
            || header.Ranges.Count != 1)
        {
            return false;
        }

        var range = header.Ranges.First();
        if (range.From is { } from)
        {
            if (from >= total)
            {
                unsatisfiable = true;
                return true;
            }
            start = from;
            end = range.To is { } to ? Math.Min(to, total - 1) : total - 1;
            return true;
        }

        if (range.To is { } suffix && suffix > 0)
        {
            start = Math.Max(0, total - suffix);
            return true;
        }

        unsatisfiable = true;
        return true;
    }
}
