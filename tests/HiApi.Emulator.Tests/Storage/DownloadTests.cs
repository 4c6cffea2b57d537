using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using HiApi.Emulator.Tests.Support;

namespace HiApi.Emulator.Tests.Storage;

/// <summary>The temporary output URL: a real MP4, no key needed, expiry, resume, padding for benchmarks.</summary>
public sealed class DownloadTests
{
    [Fact]
    public async Task The_output_is_the_real_fixture_mp4_fetched_without_authorization()
    {
        await using var server = await EmulatorServer.StartAsync(FastOptions.Create());
        using var client = new EmulatorClient(server);
        var (url, _) = await Downloads.FinishedOutputAsync(client);

        using var response = await Downloads.GetAsync(client, url);
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("video/mp4", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(FixtureVideo.Bytes.Length, response.Content.Headers.ContentLength);
        Assert.Equal(FixtureVideo.Bytes, bytes);
        Assert.Equal("ftyp", Encoding.ASCII.GetString(bytes, 4, 4));
        var download = Assert.Single(server.Requests, r => r.Kind == "download");
        Assert.False(download.HasAuthorization);
        Assert.Equal(200, download.StatusCode);
    }

    [Fact]
    public async Task The_url_stops_working_after_expireAt()
    {
        var options = FastOptions.Create();
        options.OutputLifetimeSeconds = 3;
        await using var server = await EmulatorServer.StartAsync(options);
        using var client = new EmulatorClient(server);
        var (url, expireAt) = await Downloads.FinishedOutputAsync(client);

        using var beforeExpiry = await Downloads.GetAsync(client, url);
        Assert.Equal(HttpStatusCode.OK, beforeExpiry.StatusCode);

        HttpResponseMessage? expired = null;
        await Poll.UntilAsync(async () =>
        {
            expired?.Dispose();
            expired = await Downloads.GetAsync(client, url);
            return expired.StatusCode == HttpStatusCode.Forbidden;
        }, "the URL to expire", TimeSpan.FromSeconds(15));

        Assert.True(DateTimeOffset.UtcNow.ToUnixTimeSeconds() >= expireAt, "403 must not come before expireAt");
        Assert.Equal("Request has expired", await expired!.Content.ReadAsStringAsync());
        expired.Dispose();
    }

    [Theory]
    [InlineData("sig=0000")]
    [InlineData("expires=1")]
    public async Task A_tampered_url_is_refused(string tamper)
    {
        await using var server = await EmulatorServer.StartAsync(FastOptions.Create());
        using var client = new EmulatorClient(server);
        var (url, _) = await Downloads.FinishedOutputAsync(client);
        var name = tamper.Split('=')[0];
        var tampered = System.Text.RegularExpressions.Regex.Replace(url, $@"{name}=[^&]*", tamper);

        using var response = await Downloads.GetAsync(client, tampered);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("Signature does not match", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_range_request_resumes_from_an_offset()
    {
        await using var server = await EmulatorServer.StartAsync(FastOptions.Create());
        using var client = new EmulatorClient(server);
        var (url, _) = await Downloads.FinishedOutputAsync(client);
        var total = FixtureVideo.Bytes.Length;

        using var response = await Downloads.GetAsync(client, url, new RangeHeaderValue(1000, null));
        var rest = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal($"bytes 1000-{total - 1}/{total}", response.Content.Headers.ContentRange?.ToString());
        Assert.Equal(total - 1000, response.Content.Headers.ContentLength);
        Assert.Equal(FixtureVideo.Bytes[1000..], rest);
    }

    [Fact]
    public async Task A_range_past_the_end_is_416()
    {
        await using var server = await EmulatorServer.StartAsync(FastOptions.Create());
        using var client = new EmulatorClient(server);
        var (url, _) = await Downloads.FinishedOutputAsync(client);

        using var response = await Downloads.GetAsync(client, url, new RangeHeaderValue(FixtureVideo.Bytes.Length, null));

        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
        Assert.Equal($"bytes */{FixtureVideo.Bytes.Length}", response.Content.Headers.ContentRange?.ToString());
    }

    [Fact]
    public async Task A_cut_download_can_be_resumed_into_the_whole_file()
    {
        await using var server = await EmulatorServer.StartAsync(FastOptions.Create());
        using var client = new EmulatorClient(server);
        var (url, _) = await Downloads.FinishedOutputAsync(client);

        server.Options.Faults = new FaultOptions { TruncateDownloadRate = 1 };
        using var cutResponse = await Downloads.GetAsync(client, url);
        var (head, cut) = await Downloads.ReadUntilCutAsync(cutResponse);
        server.Options.Faults = new FaultOptions();
        using var resumed = await Downloads.GetAsync(client, url, new RangeHeaderValue(head.Length, null));
        var tail = await resumed.Content.ReadAsByteArrayAsync();

        Assert.True(cut);
        Assert.Equal(FixtureVideo.Bytes.Length, cutResponse.Content.Headers.ContentLength);
        Assert.True(head.Length < FixtureVideo.Bytes.Length);
        Assert.Equal(HttpStatusCode.PartialContent, resumed.StatusCode);
        Assert.Equal(FixtureVideo.Bytes, head.Concat(tail).ToArray());
        Assert.Equal(1, server.Faults.TruncatedDownloads);
    }

    [Fact]
    public async Task Padded_video_has_the_exact_size_and_stays_a_valid_mp4()
    {
        const long size = 3 * 1024 * 1024 + 7;
        var options = FastOptions.Create();
        options.VideoSizeBytes = size;
        await using var server = await EmulatorServer.StartAsync(options);
        using var client = new EmulatorClient(server);
        var (url, _) = await Downloads.FinishedOutputAsync(client);

        using var response = await Downloads.GetAsync(client, url);
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(size, response.Content.Headers.ContentLength);
        Assert.Equal(size, bytes.LongLength);
        Assert.Equal("ftyp", Encoding.ASCII.GetString(bytes, 4, 4));
        Assert.Equal(FixtureVideo.Bytes, bytes[..FixtureVideo.Bytes.Length]);
        // One trailing top-level 'free' box covers the rest, so every box size still adds up to the file size.
        var padding = bytes.AsSpan(FixtureVideo.Bytes.Length);
        Assert.Equal((uint)(size - FixtureVideo.Bytes.Length), BinaryPrimitives.ReadUInt32BigEndian(padding));
        Assert.Equal("free", Encoding.ASCII.GetString(padding[4..8]));
        Assert.Equal(size, SumOfTopLevelBoxes(bytes));
    }

    [Fact]
    public async Task Padding_beyond_4_GiB_uses_a_64_bit_box_and_is_streamed()
    {
        const long size = 5L * 1024 * 1024 * 1024;
        var options = FastOptions.Create();
        options.VideoSizeBytes = size;
        await using var server = await EmulatorServer.StartAsync(options);
        using var client = new EmulatorClient(server);
        var (url, _) = await Downloads.FinishedOutputAsync(client);
        var fixtureLength = FixtureVideo.Bytes.Length;

        using var head = await Downloads.GetAsync(client, url, method: HttpMethod.Head);
        using var header = await Downloads.GetAsync(client, url, new RangeHeaderValue(fixtureLength, fixtureLength + 15));
        var box = await header.Content.ReadAsByteArrayAsync();
        using var last = await Downloads.GetAsync(client, url, new RangeHeaderValue(null, 10));
        var lastBytes = await last.Content.ReadAsByteArrayAsync();

        Assert.Equal(size, head.Content.Headers.ContentLength);
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32BigEndian(box));
        Assert.Equal("free", Encoding.ASCII.GetString(box, 4, 4));
        Assert.Equal((ulong)(size - fixtureLength), BinaryPrimitives.ReadUInt64BigEndian(box.AsSpan(8)));
        Assert.Equal($"bytes {size - 10}-{size - 1}/{size}", last.Content.Headers.ContentRange?.ToString());
        Assert.Equal(new byte[10], lastBytes);
    }

    private static long SumOfTopLevelBoxes(byte[] file)
    {
        long position = 0;
        while (position < file.Length)
        {
            var boxSize = BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan((int)position));
            Assert.True(boxSize >= 8, $"box at {position} has size {boxSize}");
            position += boxSize;
        }
        return position;
    }
}
