using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using HiApi.Emulator.Tests.Support;

namespace HiApi.Emulator.Tests.Network;

/// <summary><c>DownloadBytesPerSecond</c>: each download connection is paced, so N bytes take about N / rate.</summary>
public sealed class DownloadPacingTests : EmulatorTestBase
{
    private static async Task<(byte[] Bytes, TimeSpan Took)> DownloadTimedAsync(EmulatorClient client, string url, RangeHeaderValue? range = null)
    {
        var watch = Stopwatch.StartNew();
        using var response = await Downloads.GetAsync(client, url, range);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return (bytes, watch.Elapsed);
    }

    [Fact]
    public async Task Two_hundred_KB_at_100_KB_per_second_take_about_two_seconds()
    {
        Server.Options.VideoSizeBytes = 200 * 1024;
        var (url, _) = await Downloads.FinishedOutputAsync(Client);
        using var put = await Client.Http.PutAsync("_emulator/config",
            new StringContent("""{"downloadBytesPerSecond":102400}""", Encoding.UTF8, "application/json"));

        var (bytes, took) = await DownloadTimedAsync(Client, url);

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(200 * 1024, bytes.Length);
        Assert.Equal(FixtureVideo.Bytes, bytes[..FixtureVideo.Bytes.Length]);
        Assert.InRange(took.TotalSeconds, 1.6, 10.0); // the pacing sets the floor; a busy machine may add to it
    }

    [Fact]
    public async Task A_range_is_paced_by_its_own_length()
    {
        Server.Options.VideoSizeBytes = 200 * 1024;
        Server.Options.DownloadBytesPerSecond = 100 * 1024;
        var (url, _) = await Downloads.FinishedOutputAsync(Client);

        var (half, took) = await DownloadTimedAsync(Client, url, new RangeHeaderValue(100 * 1024, null));

        Assert.Equal(100 * 1024, half.Length);
        Assert.InRange(took.TotalSeconds, 0.8, 10.0);
    }

    [Fact]
    public async Task Zero_means_unlimited()
    {
        Server.Options.VideoSizeBytes = 8 * 1024 * 1024;
        Server.Options.DownloadBytesPerSecond = 0;
        var (url, _) = await Downloads.FinishedOutputAsync(Client);

        var (bytes, took) = await DownloadTimedAsync(Client, url);

        Assert.Equal(8 * 1024 * 1024, bytes.Length);
        Assert.True(took < TimeSpan.FromSeconds(4), $"took {took.TotalMilliseconds:0} ms");
    }
}
