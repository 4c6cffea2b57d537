using System.Net;
using System.Net.Http.Headers;

namespace HiApi.Client.Tests;

/// <summary>
/// A resume continues the same storage object, never another: it is sent with If-Range (a strong ETag, else a
/// Last-Modified that is a full, strong date), and an answer that describes another object (a 200, other validators,
/// a Content-Range of another length or that contradicts itself) starts the file over. Without a validator to resume
/// by, the download starts over without Range rather than risk splicing two objects into one "verified" MP4.
/// </summary>
public sealed class VideoDownloaderResumeTests : DownloadTestBase
{
    private const int Size = 300_000;
    private const int CutAt = 100_000;

    /// <summary>Object A: what storage holds when the download begins.</summary>
    private static readonly byte[] ObjectA = PatternStream.Expected(Size);

    /// <summary>Object B: the same length and box structure (a whole MP4 too), other media bytes.</summary>
    private static readonly byte[] ObjectB = ObjectA.Select((b, i) => i < PatternStream.Header(Size).Length ? b : (byte)~b).ToArray();

    private static readonly string ETagA = StorageResponses.BytesETag(ObjectA).ToString();

    /// <summary>
    /// Storage that sends object A cut at 100,000 bytes, then holds object B. An If-Range that does not name B gets
    /// a 200 with all of B (RFC 9110 13.1.5), unless <paramref name="honoursIfRange"/> is false: then any Range is
    /// served from B with a 206, as a broken server would.
    /// </summary>
    private static FakeHttpHandler ReplacingStorage(bool honoursIfRange = true) => new((request, index) =>
    {
        if (index == 0)
        {
            return StorageResponses.Bytes(ObjectA, endCleanlyAt: CutAt);
        }

        var stale = request.IfRange is not null && request.IfRange != StorageResponses.BytesETag(ObjectB).ToString();
        return StorageResponses.Bytes(ObjectB, honoursIfRange && stale ? null : request);
    });

    [Fact]
    public async Task AResumeOntoAnotherObject_GetsThatObjectWhole_NeverASplice()
    {
        var handler = ReplacingStorage();

        await new VideoDownloader(handler).DownloadAsync(SucceededTask(), Target, Options());

        var saved = await File.ReadAllBytesAsync(Target);
        Assert.True(saved.SequenceEqual(ObjectB), $"saved {Spliced(saved)}");
        Assert.Equal([null, "bytes=100000-"], handler.Requests.Select(r => r.Range));
        Assert.Equal(ETagA, handler.Requests[1].IfRange);
    }

    [Fact]
    public async Task AServerThatIgnoresIfRange_IsCaughtByTheETagOfIts206_AndTheFileStartsOver()
    {
        var handler = ReplacingStorage(honoursIfRange: false);
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();

        await new VideoDownloader(handler).DownloadAsync(SucceededTask(), Target, Options(log: log.Enqueue));

        var saved = await File.ReadAllBytesAsync(Target);
        Assert.True(saved.SequenceEqual(ObjectB), $"saved {Spliced(saved)}");
        Assert.Equal([null, "bytes=100000-", null], handler.Requests.Select(r => r.Range));
        Assert.Contains(log, line => line.Contains("another object (ETag") && line.Contains("starting over"));
    }

    [Fact]
    public async Task A206WithoutTheETagItWasResumedWith_StartsOver()
    {
        var handler = new FakeHttpHandler((request, index) =>
        {
            var response = StorageResponses.Bytes(ObjectA, index == 0 ? null : request, endCleanlyAt: index == 0 ? CutAt : null);
            if (index == 1)
            {
                response.Headers.ETag = null;
            }

            return response;
        });

        await new VideoDownloader(handler).DownloadAsync(SucceededTask(), Target, Options());

        Assert.Equal([null, "bytes=100000-", null], handler.Requests.Select(r => r.Range));
        Assert.Equal(ObjectA, await File.ReadAllBytesAsync(Target));
    }

    [Theory]
    [InlineData("bytes 100000-299999/400000", null)] // another total: another object
    [InlineData("bytes 100000-299999/300000", 50_000L)] // the range says 200,000 bytes, Content-Length 50,000
    [InlineData("bytes 100000-349999/300000", null)] // ends past its own total
    [InlineData("bytes 100000-199999/300000", null)] // 100,000 bytes, Content-Length 200,000
    [InlineData("bytes 90000-299999/300000", null)] // starts where nobody asked
    public async Task A206WhoseContentRangeDisagrees_StartsOver(string contentRange, long? contentLength)
    {
        var handler = new FakeHttpHandler((request, index) =>
        {
            if (index != 1)
            {
                return StorageResponses.Bytes(ObjectA, endCleanlyAt: index == 0 ? CutAt : null);
            }

            var response = StorageResponses.Bytes(ObjectA, request);
            response.Content.Headers.Remove("Content-Range");
            response.Content.Headers.TryAddWithoutValidation("Content-Range", contentRange); // as sent, even when .NET would not parse it
            response.Content.Headers.ContentLength = contentLength ?? response.Content.Headers.ContentLength;
            return response;
        });

        await new VideoDownloader(handler).DownloadAsync(SucceededTask(), Target, Options());

        Assert.Equal([null, "bytes=100000-", null], handler.Requests.Select(r => r.Range));
        Assert.Equal(ObjectA, await File.ReadAllBytesAsync(Target));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("W/\"a-weak-tag\"")]
    public async Task WithoutAStrongETag_OrAFullLastModified_TheRetryStartsOverWithoutRange(string? eTag)
    {
        var handler = new FakeHttpHandler((request, index) =>
        {
            var response = StorageResponses.Bytes(ObjectA, request, endCleanlyAt: index == 0 ? CutAt : null);
            response.Headers.ETag = eTag is null ? null : EntityTagHeaderValue.Parse(eTag);
            return response;
        });
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();

        await new VideoDownloader(handler).DownloadAsync(SucceededTask(), Target, Options(log: log.Enqueue));

        Assert.Equal([null, null], handler.Requests.Select(r => r.Range));
        Assert.All(handler.Requests, r => Assert.Null(r.IfRange));
        Assert.Equal(ObjectA, await File.ReadAllBytesAsync(Target));
        Assert.Contains(log, line => line.Contains("from the start: storage named no strong validator"));
    }

    [Theory]
    [InlineData("Sun, 06 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 09:49:37 GMT", true)] // a full date, an hour before Date
    [InlineData("Sunday, 06-Nov-94 08:49:37 GMT", "Sun, 06 Nov 1994 09:49:37 GMT", false)] // the obsolete RFC 850 form
    [InlineData("1994-11-06", "Sun, 06 Nov 1994 09:49:37 GMT", false)] // a day, not a date and time
    [InlineData("Sun, 06 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 GMT", false)] // the same second as Date: weak
    [InlineData("Sun, 06 Nov 1994 08:49:37 GMT", null, false)] // no Date to tell
    public async Task AWeakETag_FallsBackOnLastModified_OnlyWhenItIsAFullStrongDate(string lastModified, string? date, bool resumes)
    {
        var handler = new FakeHttpHandler((request, index) =>
        {
            var response = StorageResponses.Bytes(ObjectA, request, endCleanlyAt: index == 0 ? CutAt : null);
            response.Headers.ETag = EntityTagHeaderValue.Parse("W/\"weak\"");
            response.Content.Headers.TryAddWithoutValidation("Last-Modified", lastModified);
            response.Headers.Date = date is null ? null : DateTimeOffset.Parse(date, System.Globalization.CultureInfo.InvariantCulture);
            return response;
        });

        await new VideoDownloader(handler).DownloadAsync(SucceededTask(), Target, Options());

        Assert.Equal(ObjectA, await File.ReadAllBytesAsync(Target));
        Assert.Equal(resumes ? "bytes=100000-" : null, handler.Requests[1].Range);
        Assert.Equal(resumes ? lastModified : null, handler.Requests[1].IfRange);
    }

    [Fact]
    public async Task A206WithAnotherLastModified_StartsOver()
    {
        var handler = new FakeHttpHandler((request, index) =>
        {
            var response = StorageResponses.Bytes(ObjectA, index == 1 ? request : null, endCleanlyAt: index == 0 ? CutAt : null);
            response.Headers.ETag = null;
            response.Headers.Date = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
            response.Content.Headers.LastModified = new DateTimeOffset(2029, 1, 1, 0, 0, index == 1 ? 1 : 0, TimeSpan.Zero);
            return response;
        });

        await new VideoDownloader(handler).DownloadAsync(SucceededTask(), Target, Options());

        Assert.Equal([null, "bytes=100000-", null], handler.Requests.Select(r => r.Range));
    }

    [Theory]
    [InlineData(false, 2)]
    [InlineData(true, 3)]
    public async Task A416ForExactlyTheBytesHeld_CompletesTheFile_UnlessItNamesAnotherObject(bool anotherObject, int requests)
    {
        // The first body breaks off after its very last byte: the resume asks for nothing more, and storage says 416.
        var handler = new FakeHttpHandler((request, index) =>
        {
            if (index != 1)
            {
                return StorageResponses.Full(Size, failAt: index == 0 ? Size : null);
            }

            var response = new HttpResponseMessage(HttpStatusCode.RequestedRangeNotSatisfiable) { Content = new ByteArrayContent([]) };
            response.Content.Headers.ContentRange = new ContentRangeHeaderValue(Size);
            response.Headers.ETag = anotherObject ? new EntityTagHeaderValue("\"another\"") : StorageResponses.PatternETag(Size);
            return response;
        });

        await new VideoDownloader(handler).DownloadAsync(SucceededTask(), Target, Options());

        Assert.Equal(requests, handler.Count);
        Assert.Equal(PatternStream.Expected(Size), await File.ReadAllBytesAsync(Target));
    }

    /// <summary>Where the saved bytes came from, for a failure message: "A[:100000] + B[100000:]".</summary>
    private static string Spliced(byte[] saved)
    {
        var firstNotA = saved.Zip(ObjectA).TakeWhile(p => p.First == p.Second).Count();
        return saved.Length == Size && saved.AsSpan(firstNotA).SequenceEqual(ObjectB.AsSpan(firstNotA))
            ? $"A[:{firstNotA}] + B[{firstNotA}:], a splice of two objects"
            : $"{saved.Length} bytes, neither A nor B";
    }
}
