using System.Globalization;
using System.Net.Http.Headers;
using HiApi.Mock.Hosting;
using HiApi.Mock.Storage;
using HiApi.Mock.Tasks;

namespace HiApi.Mock.Api;

/// <summary>
/// The temporary storage behind <c>output[].url</c>: <c>GET|HEAD /storage/{taskId}.mp4?expires=..&amp;sig=..</c>. The
/// signed URL is the only credential; a changed URL is 403 <c>Signature does not match</c>, from <c>expireAt</c> on it
/// is 403 <c>Request has expired</c>. One <c>Range</c> (<c>bytes=N-</c>, <c>N-M</c>, <c>-K</c>) answers 206, a
/// range past the end 416.
/// </summary>
internal sealed class StorageEndpoint(MockState state)
{
    public const string Prefix = "/storage/";

    public MockHttpResponse Download(MockHttpRequest request)
    {
        var fileName = request.Path[Prefix.Length..];
        var query = QueryString.Parse(request.Query);
        var taskId = fileName.EndsWith(".mp4", StringComparison.Ordinal) ? fileName[..^4] : null;
        if (taskId is null
            || !long.TryParse(Single(query, "expires"), NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            || !state.Urls.Verify(taskId, expires, Single(query, "sig") ?? ""))
        {
            return MockHttpResponse.PlainText(403, "Signature does not match");
        }

        if (state.Clock.GetUtcNow().ToUnixTimeMilliseconds() >= expires * 1000)
        {
            return MockHttpResponse.PlainText(403, "Request has expired");
        }

        if (state.Tasks.Find(taskId) is not { Status: TaskStatuses.Success } task)
        {
            return MockHttpResponse.PlainText(404, "Not Found");
        }

        var video = SampleVideo.Bytes;
        var total = video.Length;
        var (start, end, unsatisfiable) = ReadRange(request.Header("Range"), total);
        if (unsatisfiable)
        {
            return new MockHttpResponse(416, "text/plain; charset=utf-8", []) { TaskId = task.Id }
                .WithHeader("Content-Range", $"bytes */{total}");
        }

        var partial = start != 0 || end != total - 1;
        var response = new MockHttpResponse(partial ? 206 : 200, "video/mp4", video[(int)start..(int)(end + 1)]) { TaskId = task.Id }
            .WithHeader("Accept-Ranges", "bytes");
        return partial ? response.WithHeader("Content-Range", $"bytes {start}-{end}/{total}") : response;
    }

    /// <summary>One range of bytes; anything else (several ranges, other units, garbage) serves the whole file, as HTTP allows.</summary>
    private static (long Start, long End, bool Unsatisfiable) ReadRange(string? header, long total)
    {
        if (!RangeHeaderValue.TryParse(header, out var range)
            || !string.Equals(range.Unit, "bytes", StringComparison.OrdinalIgnoreCase)
            || range.Ranges.Count != 1)
        {
            return (0, total - 1, false);
        }

        var item = range.Ranges.First();
        if (item.From is { } from)
        {
            return from >= total ? (0, 0, true) : (from, item.To is { } to ? Math.Min(to, total - 1) : total - 1, false);
        }

        return item.To is { } suffix and > 0 ? (Math.Max(0, total - suffix), total - 1, false) : (0, 0, true);
    }

    private static string? Single(Dictionary<string, List<string>> query, string name) =>
        query.TryGetValue(name, out var values) && values.Count == 1 ? values[0] : null;
}
