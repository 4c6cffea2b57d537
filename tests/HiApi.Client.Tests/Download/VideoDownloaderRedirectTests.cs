using System.Net;

namespace HiApi.Client.Tests;

/// <summary>
/// Storage redirects are followed by the downloader itself, never by the HTTP stack: every hop must be an absolute
/// http(s) URL, at most five of them, resolved against the URL that answered, never with an Authorization header,
/// and a resume goes straight to where the video was found.
/// </summary>
public sealed class VideoDownloaderRedirectTests : DownloadTestBase
{
    private static HttpResponseMessage Redirect(int status, string location)
    {
        var response = new HttpResponseMessage((HttpStatusCode)status);
        response.Headers.TryAddWithoutValidation("Location", location);
        return response;
    }

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(303)]
    [InlineData(307)]
    [InlineData(308)]
    public async Task ARedirect_IsFollowed_RelativeToTheCurrentUrl(int status)
    {
        var handler = new FakeHttpHandler((request, _) => request.Uri.AbsolutePath.StartsWith("/cdn/", StringComparison.Ordinal)
            ? StorageResponses.Bytes(Sample, request)
            : Redirect(status, "/cdn/tk-1.mp4?sig=xyz"));

        await new VideoDownloader(handler).DownloadAsync(SucceededTask(), Target, Options());

        Assert.Equal(Sample, await File.ReadAllBytesAsync(Target));
        Assert.Equal(new Uri("https://temp.hiapi.example/cdn/tk-1.mp4?sig=xyz"), handler.Requests[1].Uri);
    }

    [Fact]
    public async Task AResume_GoesToTheFinalUrl_AndNoHopCarriesAnAuthorizationHeader()
    {
        var handler = new FakeHttpHandler((request, _) => request.Uri.Host switch
        {
            "temp.hiapi.example" => Redirect(302, "https://edge.example.net/a/tk-1.mp4"),
            "edge.example.net" when request.Uri.AbsolutePath == "/a/tk-1.mp4" => Redirect(307, "../b/tk-1.mp4"),
            _ => StorageResponses.Bytes(Sample, request, endCleanlyAt: request.Range is null ? 9_000 : null),
        });

        await new VideoDownloader(handler).DownloadAsync(SucceededTask(), Target, Options());

        Assert.Equal(Sample, await File.ReadAllBytesAsync(Target));
        var final = new Uri("https://edge.example.net/b/tk-1.mp4");
        Assert.Equal(new[] { new Uri(Url), new Uri("https://edge.example.net/a/tk-1.mp4"), final, final }, handler.Requests.Select(r => r.Uri));
        Assert.Equal("bytes=9000-", handler.Requests[3].Range);
        Assert.All(handler.Requests, r =>
        {
            Assert.Null(r.Authorization);
            Assert.DoesNotContain("Authorization", r.HeaderNames, StringComparer.OrdinalIgnoreCase);
        });
    }

    [Theory]
    [InlineData("ftp://temp.hiapi.example/v/tk-1.mp4", "storage redirected to a non-http(s) URL (ftp)")]
    [InlineData("file:///etc/passwd", "storage redirected to a non-http(s) URL (file)")]
    [InlineData("gopher://example.com:70/1", "storage redirected to a non-http(s) URL (gopher)")]
    [InlineData("javascript:alert(1)", "storage redirected to a non-http(s) URL (javascript)")]
    [InlineData(null, "storage answered 302 without a Location")]
    [InlineData("http://[::1", "storage redirected to a Location that is not a URL")]
    [InlineData("https://", "storage redirected to a Location that is not a URL")]
    public async Task ARedirectThatIsNotToAnHttpUrl_IsRefused_WithoutFollowingIt(string? location, string said)
    {
        var handler = new FakeHttpHandler((_, _) => location is null ? new HttpResponseMessage(HttpStatusCode.Found) : Redirect(302, location));

        var failure = await Assert.ThrowsAsync<HiApiException>(() =>
            new VideoDownloader(handler).DownloadAsync(SucceededTask(), Target, Options()));

        Assert.Equal(HiApiErrorKind.InvalidResponse, failure.Kind);
        Assert.Contains("tk-1", failure.Message);
        Assert.Contains(said, failure.Message);
        Assert.Equal(1, handler.Count);
        Assert.Empty(LeftoverFiles());
    }

    [Fact]
    public async Task MoreThanFiveHops_IsAnInvalidResponse()
    {
        var handler = new FakeHttpHandler((request, index) => Redirect(302, $"/hop/{index + 1}"));

        var failure = await Assert.ThrowsAsync<HiApiException>(() =>
            new VideoDownloader(handler).DownloadAsync(SucceededTask(), Target, Options()));

        Assert.Equal(HiApiErrorKind.InvalidResponse, failure.Kind);
        Assert.Contains("more than 5 times", failure.Message);
        Assert.Equal(6, handler.Count);
    }

    [Theory]
    [InlineData("ftp://127.0.0.1:21/tk-1.mp4", "ftp")]
    [InlineData("file:///etc/passwd", "file")]
    public async Task ThePooledClient_DoesNotFollowRedirectsByItself(string location, string scheme)
    {
        await using var server = new RawHttpServer((_, _) => RawHttpServer.Response("302 Found", $"Location: {location}\r\n"));

        var failure = await Assert.ThrowsAsync<HiApiException>(() =>
            new VideoDownloader().DownloadAsync(SucceededTask(new Uri(server.BaseAddress, "v/tk-1.mp4?sig=1").ToString()), Target, Options()));

        Assert.Equal(HiApiErrorKind.InvalidResponse, failure.Kind);
        Assert.Contains($"({scheme})", failure.Message);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task ThePooledClient_FollowsAnHttpRedirect_ThroughTheDownloader()
    {
        await using var server = new RawHttpServer((head, _) => head.StartsWith("GET /final.mp4", StringComparison.Ordinal)
            ? RawHttpServer.Response("200 OK", "Content-Type: video/mp4\r\n", Sample)
            : RawHttpServer.Response("301 Moved Permanently", "Location: /final.mp4\r\n"));

        await new VideoDownloader().DownloadAsync(SucceededTask(new Uri(server.BaseAddress, "v/tk-1.mp4").ToString()), Target, Options());

        Assert.Equal(Sample, await File.ReadAllBytesAsync(Target));
        Assert.Equal(2, server.Requests.Count);
        Assert.All(server.Requests, head => Assert.DoesNotContain("Authorization", head, StringComparison.OrdinalIgnoreCase));
    }
}
