namespace HiApi.Client.Tests;

/// <summary>
/// Attempts are counted honestly: an attempt is progress only when the verified bytes from the start of the file
/// reach further than any earlier attempt did; every other failed attempt spends one retry of the policy.
/// </summary>
public sealed class VideoDownloaderAttemptTests : DownloadTestBase
{
    private const long Size = 300_000;

    [Fact]
    public async Task AHostIgnoringRange_ThatCutsEveryBodyShort_GetsAtMostMaxRetriesPlusOneAttempts()
    {
        var handler = new FakeHttpHandler((_, _) => StorageResponses.Full(Size, failAt: 100_000));

        var failure = await Assert.ThrowsAsync<HiApiException>(() =>
            new VideoDownloader(handler).DownloadAsync(SucceededTask(), Target, Options()));

        Assert.Equal(HiApiErrorKind.Network, failure.Kind);
        Assert.Equal(6, handler.Count);
        Assert.Contains("Gave up after 6 attempts", failure.Message);
        Assert.Empty(LeftoverFiles());
    }

    [Fact]
    public async Task AHostIgnoringRange_ThatSendsMoreEachTime_IsProgress()
    {
        // Cut at 40k, 80k, ... from byte 0 each time: every attempt reaches further than the last.
        var handler = new FakeHttpHandler((_, index) => StorageResponses.Full(Size, failAt: index < 7 ? (index + 1) * 40_000 : null));

        await new VideoDownloader(handler).DownloadAsync(SucceededTask(), Target, Options(maxRetries: 2));

        Assert.Equal(8, handler.Count);
        Assert.Equal(PatternStream.Expected(Size), await File.ReadAllBytesAsync(Target));
    }

    [Fact]
    public async Task AFlakyConnectionThatResumesForward_IsNotLimitedByTheRetryBudget()
    {
        var handler = new FakeHttpHandler((request, index) =>
            StorageResponses.Ranged(request, Size, failAt: index < 9 ? (index + 1) * 30_000 : null));

        await new VideoDownloader(handler).DownloadAsync(SucceededTask(), Target, Options(maxRetries: 2));

        Assert.Equal(10, handler.Count);
        Assert.Equal(PatternStream.Expected(Size), await File.ReadAllBytesAsync(Target));
    }

    [Fact]
    public async Task WithoutRetries_AFailedAttemptIsTheEnd_EvenAfterProgress()
    {
        var handler = new FakeHttpHandler((request, _) => StorageResponses.Ranged(request, Size, failAt: 150_000));

        await Assert.ThrowsAsync<HiApiException>(() =>
            new VideoDownloader(handler).DownloadAsync(SucceededTask(), Target, Options(maxRetries: 0)));

        Assert.Equal(1, handler.Count);
    }

    [Fact]
    public async Task BackoffGrowsWithFailuresWithoutProgress()
    {
        var handler = new FakeHttpHandler((_, _) => StorageResponses.Full(Size, failAt: 0));

        await Assert.ThrowsAsync<HiApiException>(() =>
            new VideoDownloader(handler).DownloadAsync(SucceededTask(), Target, Options(maxRetries: 5)));

        Assert.Equal(5, Delays.Count);
        // Full jitter below a ceiling that doubles: 0.5 s, 1 s, 2 s, 4 s, 8 s.
        Assert.All(Delays.Select((delay, i) => (delay, ceiling: TimeSpan.FromSeconds(0.5 * Math.Pow(2, i)))), d => Assert.True(d.delay <= d.ceiling));
    }
}
