using System.Net;
using System.Net.Http.Headers;

namespace HiApi.Client.Tests;

/// <summary>Answers of a signed-URL storage server, built on <see cref="PatternStream"/>.</summary>
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

        var from = long.Parse(request.Range.Replace("bytes=", "").TrimEnd('-'));
        var response = new HttpResponseMessage(HttpStatusCode.PartialContent) { Content = new StreamContent(new PatternStream(from, length, failAt)) };
        response.Content.Headers.ContentLength = length - from;
        response.Content.Headers.ContentRange = new ContentRangeHeaderValue(from, length - 1, length);
        return response;
    }
}
