using System.Net;
using System.Net.Http.Headers;
using System.Text;
using HiApi.Emulator.Tests.Support;

namespace HiApi.Emulator.Tests.Hostile;

/// <summary>Storage that misbehaves: HTML instead of video, wrong types, no length, cut bodies, ignored ranges, redirects.</summary>
public sealed class HostileStorageTests : EmulatorTestBase
{
    [Fact]
    public async Task StorageServesHtml_answers_200_with_an_html_page_instead_of_the_video()
    {
        var (url, _) = await Downloads.FinishedOutputAsync(Client);
        Server.Options.StorageServesHtml = true;

        using var response = await Downloads.GetAsync(Client, url);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("<html>", body);
        Assert.True(body.Length < 1024);
    }

    [Fact]
    public async Task StorageContentType_overrides_the_type_of_real_video_answers()
    {
        var (url, _) = await Downloads.FinishedOutputAsync(Client);
        Server.Options.StorageContentType = "application/octet-stream";

        using var whole = await Downloads.GetAsync(Client, url);
        using var part = await Downloads.GetAsync(Client, url, new RangeHeaderValue(10, 19));

        Assert.Equal("application/octet-stream", whole.Content.Headers.ContentType?.ToString());
        Assert.Equal(FixtureVideo.Bytes, await whole.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal("application/octet-stream", part.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public async Task StorageOmitContentLength_sends_the_video_chunked()
    {
        var (url, _) = await Downloads.FinishedOutputAsync(Client);
        Server.Options.StorageOmitContentLength = true;

        using var response = await Downloads.GetAsync(Client, url);
        var announced = response.Content.Headers.ContentLength;   // read before buffering, which would compute one
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(announced);
        Assert.True(response.Headers.TransferEncodingChunked);
        Assert.Equal(FixtureVideo.Bytes, bytes);
    }

    [Fact]
    public async Task TruncateEveryDownloadAtBytes_cuts_every_attempt_and_without_Content_Length_the_headers_do_not_tell()
    {
        var (url, _) = await Downloads.FinishedOutputAsync(Client);
        Server.Options.StorageOmitContentLength = true;
        Server.Options.TruncateEveryDownloadAtBytes = 1000;

        using var first = await Downloads.GetAsync(Client, url);
        var (head, firstCut) = await Downloads.ReadUntilCutAsync(first);
        using var resumed = await Downloads.GetAsync(Client, url, new RangeHeaderValue(head.Length, null));
        var (next, secondCut) = await Downloads.ReadUntilCutAsync(resumed);

        Assert.Null(first.Content.Headers.ContentLength);
        Assert.True(firstCut);
        Assert.Equal(FixtureVideo.Bytes[..1000], head);
        Assert.Equal(HttpStatusCode.PartialContent, resumed.StatusCode);
        Assert.True(secondCut);
        Assert.Equal(FixtureVideo.Bytes[1000..2000], next);
        Assert.Equal(2, Server.Faults.TruncatedDownloads);
    }

    [Fact]
    public async Task TruncateEveryDownloadAtBytes_with_Content_Length_announces_the_whole_and_sends_a_body_shorter_than_the_cut_whole()
    {
        var (url, _) = await Downloads.FinishedOutputAsync(Client);
        Server.Options.TruncateEveryDownloadAtBytes = 1000;
        var total = FixtureVideo.Bytes.Length;

        using var cut = await Downloads.GetAsync(Client, url);
        var (head, wasCut) = await Downloads.ReadUntilCutAsync(cut);
        using var tail = await Downloads.GetAsync(Client, url, new RangeHeaderValue(total - 500, null));
        var (tailBytes, tailCut) = await Downloads.ReadUntilCutAsync(tail);

        Assert.Equal(total, cut.Content.Headers.ContentLength);
        Assert.True(wasCut);
        Assert.Equal(1000, head.Length);
        Assert.False(tailCut);
        Assert.Equal(FixtureVideo.Bytes[(total - 500)..], tailBytes);
        Assert.Equal(1, Server.Faults.TruncatedDownloads);
    }

    [Fact]
    public async Task StorageIgnoresRange_answers_every_range_with_200_and_the_whole_file()
    {
        var (url, _) = await Downloads.FinishedOutputAsync(Client);
        Server.Options.StorageIgnoresRange = true;

        using var resumed = await Downloads.GetAsync(Client, url, new RangeHeaderValue(1000, null));
        var bytes = await resumed.Content.ReadAsByteArrayAsync();
        using var pastTheEnd = await Downloads.GetAsync(Client, url, new RangeHeaderValue(FixtureVideo.Bytes.Length + 5, null));

        Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        Assert.Null(resumed.Content.Headers.ContentRange);
        Assert.Equal(FixtureVideo.Bytes, bytes);
        Assert.Equal("bytes", resumed.Headers.AcceptRanges.Single());
        Assert.Equal(HttpStatusCode.OK, pastTheEnd.StatusCode);
    }

    [Theory]
    [InlineData("ftp://127.0.0.1/x.mp4")]
    [InlineData("file:///etc/passwd")]
    [InlineData("/somewhere/else.mp4")]
    [InlineData("http://127.0.0.1:1/x.mp4")]
    public async Task StorageRedirectTo_answers_302_with_that_location(string location)
    {
        var (url, _) = await Downloads.FinishedOutputAsync(Client);
        using var put = await Client.Http.PutAsync("_emulator/config",
            new StringContent($$"""{"storageRedirectTo":"{{location}}"}""", Encoding.UTF8, "application/json"));
        using var noRedirects = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false });

        using var response = await noRedirects.GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal(location, response.Headers.Location?.OriginalString);
        var logged = Assert.Single(Server.Requests, r => r.Kind == "download");
        Assert.Equal(302, logged.StatusCode);
    }

    [Fact]
    public async Task Header_values_that_Kestrel_would_refuse_are_refused_by_name()
    {
        using var put = await Client.Http.PutAsync("_emulator/config",
            new StringContent("""{"storageRedirectTo":"http://x/\r\nSet-Cookie: a=b"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Contains("StorageRedirectTo must be printable ASCII", await put.Content.ReadAsStringAsync());
        Assert.Null(Server.Options.StorageRedirectTo);
    }
}
