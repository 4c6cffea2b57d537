using System.Diagnostics;
using Xunit.Abstractions;

namespace HiApi.Client.Tests;

/// <summary>
/// Deadlines: a host that goes silent fails the attempt after <see cref="DownloadOptions.StallTimeout"/>, and one
/// that drips bytes fails it once a <see cref="DownloadOptions.RateWindow"/> below
/// <see cref="DownloadOptions.MinimumBytesPerSecond"/> has passed, so a save ends in bounded time. Real time, but
/// with windows of a few hundred milliseconds.
/// </summary>
public sealed class VideoDownloaderDeadlineTests : DownloadTestBase
{
    private const long Size = 300_000;
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(200);
    private readonly ITestOutputHelper _output;

    public VideoDownloaderDeadlineTests(ITestOutputHelper output) => _output = output;

    private DownloadOptions Deadlines(int maxRetries = 5, TimeSpan? stall = null, long minimum = 4096, TimeSpan? window = null) => new()
    {
        RetryPolicy = TestClients.InstantRetries(Delays, maxRetries),
        StallTimeout = stall ?? TimeSpan.FromSeconds(5),
        MinimumBytesPerSecond = minimum,
        RateWindow = window ?? Window,
    };

    [Fact]
    public async Task AHostThatDrips_FailsInBoundedTime_AsTooSlow()
    {
        var handler = new FakeHttpHandler((request, _) =>
            StorageResponses.Streamed(new DripStream(new PatternStream(0, Size), TimeSpan.FromMilliseconds(20))));
        var stopwatch = Stopwatch.StartNew();

        var failure = await Assert.ThrowsAsync<HiApiException>(() =>
            new VideoDownloader(handler).DownloadAsync(SucceededTask(), Target, Deadlines()).WaitAsync(TimeSpan.FromSeconds(60)));
        stopwatch.Stop();
        _output.WriteLine($"6 attempts of a 50 bytes/s drip, 0.2 s windows: gave up after {stopwatch.Elapsed.TotalSeconds:0.00} s: {failure.Message}");

        Assert.Equal(HiApiErrorKind.Network, failure.Kind);
        Assert.Matches(@"too slow: \d+ bytes/s over 0\.2 s", failure.Message);
        Assert.Equal(6, handler.Count);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(20), $"took {stopwatch.Elapsed}");
        Assert.Empty(LeftoverFiles());
    }

    [Fact]
    public async Task ADripThatHonoursRange_StillCountsAsNoProgress()
    {
        // Each attempt adds a few bytes to the file; a too-slow attempt is not progress, or this would go on for hours.
        var handler = new FakeHttpHandler((request, _) =>
        {
            var response = StorageResponses.Ranged(request, Size);
            var from = StorageResponses.RangeStart(request);
            response.Content = new StreamContent(new DripStream(new PatternStream(from, Size), TimeSpan.FromMilliseconds(20), bytesPerDrip: 3));
            response.Content.Headers.ContentLength = Size - from;
            if (from > 0)
            {
                response.Content.Headers.ContentRange = new System.Net.Http.Headers.ContentRangeHeaderValue(from, Size - 1, Size);
            }

            return response;
        });

        var failure = await Assert.ThrowsAsync<HiApiException>(() =>
            new VideoDownloader(handler).DownloadAsync(SucceededTask(), Target, Deadlines(maxRetries: 2)).WaitAsync(TimeSpan.FromSeconds(60)));

        Assert.Contains("too slow", failure.Message);
        Assert.Equal(3, handler.Count);
        Assert.NotNull(handler.Requests[1].Range); // the bytes it did send were kept and resumed from
    }

    [Fact]
    public async Task AHostThatGoesSilent_FailsTheAttemptAfterTheStallTimeout_AndIsResumed()
    {
        var handler = new FakeHttpHandler((request, index) => index == 0
            ? StorageResponses.Streamed(
                new DripStream(new PatternStream(0, Size), TimeSpan.Zero, bytesPerDrip: 8192, stallAfter: 100_000), eTag: StorageResponses.PatternETag(Size))
            : StorageResponses.Ranged(request, Size));

        await new VideoDownloader(handler)
            .DownloadAsync(SucceededTask(), Target, Deadlines(stall: TimeSpan.FromMilliseconds(300), minimum: 0))
            .WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(PatternStream.Expected(Size), await File.ReadAllBytesAsync(Target));
        Assert.Equal("bytes=100000-", handler.Requests[1].Range);
    }

    [Fact]
    public async Task AHostThatNeverAnswers_FailsWithNoDataForTheStallTimeout()
    {
        var handler = new FakeHttpHandler(async (_, _, ct) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            return StorageResponses.Full(Size);
        });

        var failure = await Assert.ThrowsAsync<HiApiException>(() =>
            new VideoDownloader(handler)
                .DownloadAsync(SucceededTask(), Target, Deadlines(maxRetries: 1, stall: TimeSpan.FromMilliseconds(200)))
                .WaitAsync(TimeSpan.FromSeconds(60)));

        Assert.Equal(HiApiErrorKind.Network, failure.Kind);
        Assert.Contains("no data for 0.2 s", failure.Message);
        Assert.Equal(2, handler.Count);
    }

    [Fact]
    public async Task ASteadyTransferAboveTheMinimum_OverManyWindows_Completes()
    {
        // About 400 KB/s for ~0.75 s, far above 1 KiB/s in any window with a single drip in it: only a pause of the
        // whole test process for longer than a window (a loaded machine) could fail it, so the window is 0.5 s.
        var handler = new FakeHttpHandler((_, _) =>
        {
            var response = StorageResponses.Streamed(new DripStream(new PatternStream(0, Size), TimeSpan.FromMilliseconds(10), bytesPerDrip: 4096));
            response.Content.Headers.ContentLength = Size;
            return response;
        });

        var options = Deadlines(maxRetries: 0, minimum: 1024, window: TimeSpan.FromMilliseconds(500));
        await new VideoDownloader(handler).DownloadAsync(SucceededTask(), Target, options).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(PatternStream.Expected(Size), await File.ReadAllBytesAsync(Target));
        Assert.Equal(1, handler.Count);
    }

    [Fact]
    public void TheDefaults_AreDocumented()
    {
        var defaults = new DownloadOptions();

        Assert.Equal(TimeSpan.FromSeconds(30), defaults.StallTimeout);
        Assert.Equal(4096, defaults.MinimumBytesPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(30), defaults.RateWindow);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DownloadOptions { StallTimeout = TimeSpan.Zero });
        Assert.Throws<ArgumentOutOfRangeException>(() => new DownloadOptions { RateWindow = TimeSpan.Zero });
        Assert.Throws<ArgumentOutOfRangeException>(() => new DownloadOptions { MinimumBytesPerSecond = -1 });
    }
}
