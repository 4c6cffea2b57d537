using System.Net;
using System.Net.Http.Headers;

namespace HiApi.Client.Tests;

/// <summary>
/// Answers of a signed-URL storage server, built on <see cref="PatternStream"/> or on given file bytes. Like real
/// object storage, each carries a strong ETag naming its content, so the downloader may resume it with If-Range.
/// </summary>
public static class StorageResponses
{
    /// <summary>The ETag of the <paramref name="length"/>-byte <see cref="PatternStream"/> video.</summary>
    public static EntityTagHeaderValue PatternETag(long length) => new($"\"pattern-{length}\"");

    /// <summary>The ETag of <paramref name="file"/>: a digest of its bytes.</summary>
    public static EntityTagHeaderValue BytesETag(byte[] file) =>
        new($"\"{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(file), 0, 8).ToLowerInvariant()}\"");

    public static HttpResponseMessage Full(long length, long? failAt = null, long? endCleanlyAt = null)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new PatternStream(0, length, failAt, endCleanlyAt)) };
        response.Headers.ETag = PatternETag(length);
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
        response.Headers.ETag = PatternETag(length);
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
        response.Headers.ETag = BytesETag(file);
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

    /// <summary>
    /// A 200 whose body comes from <paramref name="body"/>, announcing no length (as a chunked answer would), with
    /// <paramref name="eTag"/> when given.
    /// </summary>
    public static HttpResponseMessage Streamed(Stream body, string? contentType = "video/mp4", EntityTagHeaderValue? eTag = null)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(body) };
        response.Headers.ETag = eTag;
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
