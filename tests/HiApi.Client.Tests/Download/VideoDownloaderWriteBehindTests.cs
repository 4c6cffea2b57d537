using System.Collections.Concurrent;

namespace HiApi.Client.Tests;

/// <summary>
/// Background fsyncs while downloading (every <see cref="VideoDownloader.WriteBehindInterval"/> bytes; 64 MiB in
/// production, a few KiB here) must not change what lands on disk, and a failed or cancelled download must still
/// leave nothing behind.
/// </summary>
public sealed class VideoDownloaderWriteBehindTests : IDisposable
{
    private const long Size = 300_000;
    private const long Interval = 16 * 1024;
    private readonly string _root = Directory.CreateTempSubdirectory("hiapi-dl-wb-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Target => Path.Combine(_root, "tk-1.mp4");

    private static HiApiTask SucceededTask() => new("tk-1")
    {
        Status = HiApiTaskStatus.Success,
        Outputs = new[] { new TaskOutput("video", "https://temp.hiapi.example/v/tk-1.mp4?sig=abc", DateTimeOffset.UtcNow.AddHours(1)) },
    };

    private static DownloadOptions Options(int maxRetries = 5, IProgress<DownloadProgress>? progress = null) =>
        new() { RetryPolicy = TestClients.InstantRetries(new ConcurrentQueue<TimeSpan>(), maxRetries), Progress = progress };

    private static VideoDownloader Downloader(FakeHttpHandler handler) => new(handler) { WriteBehindInterval = Interval };

    [Fact]
    public async Task FlushesInTheBackground_AndWritesEveryByteInPlace()
    {
        var downloader = Downloader(new FakeHttpHandler((request, _) => StorageResponses.Ranged(request, Size)));

        await downloader.DownloadAsync(SucceededTask(), Target, Options());

        Assert.InRange(downloader.LastWriteBehindFlushes, 1, (int)(Size / Interval));
        Assert.Equal(PatternStream.Expected(Size), await File.ReadAllBytesAsync(Target));
        Assert.Equal(new[] { Target }, Directory.GetFiles(_root));
    }

    [Fact]
    public async Task AResumeAndARestart_StillWriteEveryByteInPlace()
    {
        var downloader = Downloader(new FakeHttpHandler((request, index) => index switch
        {
            0 => StorageResponses.Full(Size, failAt: 100_000),
            1 => StorageResponses.Ranged(request, Size, failAt: 200_000),
            2 => StorageResponses.Full(Size, failAt: 150_000), // ignores Range: the file starts over
            _ => StorageResponses.Ranged(request, Size),
        }));

        await downloader.DownloadAsync(SucceededTask(), Target, Options());

        Assert.Equal(PatternStream.Expected(Size), await File.ReadAllBytesAsync(Target));
    }

    [Fact]
    public async Task AFailedDownload_LeavesNoTemporaryFile()
    {
        var downloader = Downloader(new FakeHttpHandler((_, _) => StorageResponses.Full(Size, failAt: 200_000)));

        await Assert.ThrowsAsync<HiApiException>(() => downloader.DownloadAsync(SucceededTask(), Target, Options(maxRetries: 0)));

        Assert.True(downloader.LastWriteBehindFlushes >= 1);
        Assert.Empty(Directory.GetFiles(_root));
    }

    [Fact]
    public async Task ACancelledDownload_LeavesNoTemporaryFile()
    {
        using var cts = new CancellationTokenSource();
        var downloader = Downloader(new FakeHttpHandler((_, _) => StorageResponses.Full(Size, failAt: 200_000)));
        var options = Options(maxRetries: 0, progress: new CancelOnFirstReport(cts));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => downloader.DownloadAsync(SucceededTask(), Target, options, cts.Token));

        Assert.Empty(Directory.GetFiles(_root));
    }
}
