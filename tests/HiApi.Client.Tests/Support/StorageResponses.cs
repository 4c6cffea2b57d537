using System.Net;
using System.Net.Http.Headers;

namespace HiApi.Client.Tests;

/// <summary>Answers of a signed-URL storage server, built on <see cref="PatternStream"/> or on given file bytes.</summary>
public static class StorageResponses
{
    public static HttpResponseMessage Full(long length, long? failAt = null, long? endCleanlyAt = null)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new PatternStream(0, length, failAt, endCleanlyAt)) };
        response.Content.Headers.ContentLength = length;
        response.Content.Headers.ContentType = new MediaTypeHeaderValue("video/mp4");
        return response;
    }

    /// <summary>Honours the request's Range header the way a real storage server does (206), else sends it all.</summary>
    public static HttpResponseMessage Ranged(RecordedHttpRequest request, long length, long? failAt = null)
    {
        if (request.Range is null)
        {
            return Full(length, failAt);
        }

        var from = RangeStart(request);
        var response = new HttpResponseMessage(HttpStatusCode.PartialContent) { Content = new StreamContent(new PatternStream(from, length, failAt)) };
        response.Content.Headers.ContentLength = length - from;
        response.Content.Headers.ContentRange = new ContentRangeHeaderValue(from, length - 1, length);
        return response;
    }

    /// <summary>
    /// <paramref name="file"/> as a storage server sends it: whole (200), or from the requested byte (206) when
    /// <paramref name="request"/> asks for a range. The body may stop cleanly at <paramref name="endCleanlyAt"/> (a file
    /// offset), and <paramref name="announceLength"/> false sends no Content-Length (nor Content-Range total).
    /// </summary>
    public static HttpResponseMessage Bytes(
        byte[] file, RecordedHttpRequest? request = null, int? endCleanlyAt = null, bool announceLength = true, string? contentType = "video/mp4")
    {
        var from = request is null ? 0 : (int)RangeStart(request);
        var end = Math.Min(file.Length, endCleanlyAt ?? file.Length);
        var response = new HttpResponseMessage(from > 0 ? HttpStatusCode.PartialContent : HttpStatusCode.OK)
        {
            Content = new ByteArrayContent(file, from, Math.Max(0, end - from)),
        };
        response.Content.Headers.ContentLength = announceLength ? file.Length - from : null;
        if (from > 0)
        {
            response.Content.Headers.ContentRange = announceLength
                ? new ContentRangeHeaderValue(from, file.Length - 1, file.Length)
                : new ContentRangeHeaderValue(from, file.Length - 1);
        }

        if (contentType is not null)
        {
            response.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        return response;
    }

    /// <summary>A 200 whose body comes from <paramref name="body"/>, announcing no length (as a chunked answer would).</summary>
    public static HttpResponseMessage Streamed(Stream body, string? contentType = "video/mp4")
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(body) };
        response.Content.Headers.ContentLength = null;
        if (contentType is not null)
        {
            response.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        return response;
    }

    public static long RangeStart(RecordedHttpRequest request) =>
        request.Range is null ? 0 : long.Parse(request.Range.Replace("bytes=", "").TrimEnd('-'));
}
