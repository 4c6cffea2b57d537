using System.Buffers.Binary;

namespace HiApi.Client.Tests;

/// <summary>
/// A saved file is a whole, valid video or nothing: bodies cut short without a Content-Length are resumed, pages and
/// garbage are refused (retried from scratch, then an InvalidVideo error), and nothing unverified is ever renamed
/// into place.
/// </summary>
public sealed class VideoDownloaderVerificationTests : DownloadTestBase
{
    private const string LoginPage =
        "<!DOCTYPE html><html><head><title>Sign in - Storage</title></head><body><form>...</form></body></html>";

    private async Task<HiApiException> FailsAsync(FakeHttpHandler handler, int maxRetries = 5)
    {
        var failure = await Assert.ThrowsAsync<HiApiException>(() =>
            new VideoDownloader(handler).DownloadAsync(SucceededTask(), Target, Options(maxRetries: maxRetries)));
        Assert.Equal("tk-1", failure.TaskId);
        Assert.Contains("tk-1", failure.Message);
        Assert.Empty(LeftoverFiles());
        return failure;
    }

    [Fact]
    public async Task ABodyWithoutContentLength_ClosedEarly_IsResumed_NotSavedAsComplete()
    {
        var handler = new FakeHttpHandler((request, index) => index == 0
            ? StorageResponses.Bytes(Sample, endCleanlyAt: 10_000, announceLength: false)
            : StorageResponses.Bytes(Sample, request, announceLength: false));

        await new VideoDownloader(handler).DownloadAsync(SucceededTask(), Target, Options());

        Assert.Equal(Sample, await File.ReadAllBytesAsync(Target));
        Assert.Equal(new string?[] { null, "bytes=10000-" }, handler.Requests.Select(r => r.Range));
    }

    [Fact]
    public async Task ABodyWithoutContentLength_AlwaysCutAtTheSamePlace_GivesUp_AndSavesNothing()
    {
        var handler = new FakeHttpHandler((request, _) => StorageResponses.Bytes(Sample, endCleanlyAt: 10_000, announceLength: false));

        var failure = await FailsAsync(handler);

        Assert.Contains("the box 'mdat' at byte 1622 needs 24294 bytes", failure.Message);
        Assert.Equal(6, handler.Count);
    }

    [Fact]
    public async Task AnHtmlPageAnswered200_IsNeverSavedAsAVideo()
    {
        var handler = new FakeHttpHandler((_, _) => FakeHttpHandler.Text(200, LoginPage, "text/html"));

        var failure = await FailsAsync(handler);

        Assert.Equal(HiApiErrorKind.InvalidVideo, failure.Kind);
        Assert.Contains("storage answered 200 text/html: Sign in - Storage", failure.Message);
        Assert.Equal(6, handler.Count);
        Assert.All(handler.Requests, r => Assert.Null(r.Range)); // each retry starts from scratch
    }

    [Fact]
    public async Task AnHtmlPageWithoutContentType_IsFoundByItsFirstBox()
    {
        var page = System.Text.Encoding.UTF8.GetBytes(LoginPage);
        var handler = new FakeHttpHandler((_, _) => StorageResponses.Bytes(page, contentType: null));

        var failure = await FailsAsync(handler, maxRetries: 1);

        Assert.Equal(HiApiErrorKind.InvalidVideo, failure.Kind);
        Assert.Contains("the file is not an MP4: first box 'CTYP'", failure.Message);
        Assert.Equal(2, handler.Count);
    }

    [Fact]
    public async Task AFileWhoseFirstBoxIsNotFtyp_IsInvalidVideo()
    {
        var bytes = Sample.ToArray();
        "abcd"u8.CopyTo(bytes.AsSpan(4));
        var handler = new FakeHttpHandler((_, _) => StorageResponses.Bytes(bytes));

        var failure = await FailsAsync(handler);

        Assert.Equal(HiApiErrorKind.InvalidVideo, failure.Kind);
        Assert.Contains("the file is not an MP4: first box 'abcd'", failure.Message);
    }

    [Fact]
    public async Task BoxSizesOvershootingTheAnnouncedLength_AreInvalid_NotResumed()
    {
        var bytes = Sample.ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(1622), 24_294 + 1000); // mdat claims more than the file has
        var handler = new FakeHttpHandler((request, _) => StorageResponses.Bytes(bytes, request));

        var failure = await FailsAsync(handler, maxRetries: 2);

        Assert.Equal(HiApiErrorKind.InvalidVideo, failure.Kind);
        Assert.Contains("mdat", failure.Message);
        Assert.Equal(3, handler.Count);
        Assert.All(handler.Requests, r => Assert.Null(r.Range));
    }

    [Fact]
    public async Task AnInvalidAnswer_IsRetriedFromScratch_AndAGoodOneIsSaved()
    {
        var handler = new FakeHttpHandler((request, index) => index == 0
            ? FakeHttpHandler.Text(200, LoginPage, "text/html")
            : StorageResponses.Bytes(Sample, request));

        await new VideoDownloader(handler).DownloadAsync(SucceededTask(), Target, Options());

        Assert.Equal(Sample, await File.ReadAllBytesAsync(Target));
        Assert.Equal(new string?[] { null, null }, handler.Requests.Select(r => r.Range));
    }

    [Fact]
    public async Task GarbageCutShort_IsNotResumed_ButStartedOver()
    {
        var garbage = new byte[50_000];
        new Random(7).NextBytes(garbage);
        var handler = new FakeHttpHandler((request, index) => index == 0
            ? StorageResponses.Bytes(garbage, endCleanlyAt: 20_000)
            : StorageResponses.Bytes(Sample, request));

        await new VideoDownloader(handler).DownloadAsync(SucceededTask(), Target, Options());

        Assert.Equal(Sample, await File.ReadAllBytesAsync(Target));
        Assert.Equal(new string?[] { null, null }, handler.Requests.Select(r => r.Range));
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("text/html; charset=utf-8")]
    [InlineData("application/json")]
    [InlineData("application/xml")]
    [InlineData("application/xhtml+xml")]
    [InlineData("application/problem+json")]
    public async Task ATextualContentType_IsRefused_EvenWithVideoBytes(string contentType)
    {
        var handler = new FakeHttpHandler((_, _) => StorageResponses.Bytes(Sample, contentType: contentType));

        var failure = await FailsAsync(handler, maxRetries: 0);

        Assert.Equal(HiApiErrorKind.InvalidVideo, failure.Kind);
        Assert.Contains($"storage answered 200 {contentType.Split(';')[0]}", failure.Message);
    }

    [Theory]
    [InlineData("video/mp4")]
    [InlineData("video/quicktime")]
    [InlineData("application/octet-stream")]
    [InlineData("binary/octet-stream")]
    [InlineData("application/mp4")]
    [InlineData(null)]
    public async Task AVideoOrBinaryContentType_OrNone_IsAccepted(string? contentType)
    {
        var handler = new FakeHttpHandler((request, _) => StorageResponses.Bytes(Sample, request, contentType: contentType));

        await new VideoDownloader(handler).DownloadAsync(SucceededTask(), Target, Options());

        Assert.Equal(Sample, await File.ReadAllBytesAsync(Target));
    }

    [Fact]
    public async Task AnInvalidVideo_NeverReplacesTheOldFile_EvenWithForce()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Target)!);
        await File.WriteAllTextAsync(Target, "old");
        var handler = new FakeHttpHandler((_, _) => FakeHttpHandler.Text(200, LoginPage, "text/html"));

        await Assert.ThrowsAsync<HiApiException>(() =>
            new VideoDownloader(handler).DownloadAsync(SucceededTask(), Target, Options(force: true, maxRetries: 1)));

        Assert.Equal("old", await File.ReadAllTextAsync(Target));
        Assert.Single(LeftoverFiles());
    }
}
