using System.Collections.Concurrent;

namespace HiApi.Client.Tests;

/// <summary>
/// A process killed mid-download cannot delete its hidden <c>.partial</c> file; the next download of the same
/// target must remove it, but never the file of a download that is still running.
/// </summary>
public sealed class VideoDownloaderAbandonedPartialTests : IDisposable
{
    private const long Size = 50_000;
    private readonly string _folder = Directory.CreateTempSubdirectory("hiapi-dl-orphan-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Target => Path.Combine(_folder, "tk-1.mp4");

    private static HiApiTask SucceededTask() => new("tk-1")
    {
        Status = HiApiTaskStatus.Success,
        Outputs = new[] { new TaskOutput("video", "https://temp.hiapi.example/v/tk-1.mp4?sig=abc", DateTimeOffset.UtcNow.AddHours(1)) },
    };

    private static DownloadOptions Options() => new() { RetryPolicy = TestClients.InstantRetries(new ConcurrentQueue<TimeSpan>()) };

    private static VideoDownloader Downloader() =>
        new(new FakeHttpHandler((request, _) => StorageResponses.Ranged(request, Size)));

    [Fact]
    public async Task ThePartialFileOfAKilledDownload_IsRemovedWhenTheTargetIsDownloadedAgain()
    {
        var abandoned = Path.Combine(_folder, ".tk-1.mp4.0badf00d.partial");
        await File.WriteAllBytesAsync(abandoned, new byte[1234]); // nobody holds it open: its writer is dead

        await Downloader().DownloadAsync(SucceededTask(), Target, Options());

        Assert.Equal(new[] { Target }, Directory.GetFiles(_folder));
        Assert.Equal(PatternStream.Expected(Size), await File.ReadAllBytesAsync(Target));
    }

    [Fact]
    public async Task ThePartialFileOfADownloadStillRunning_IsLeftAlone()
    {
        var live = Path.Combine(_folder, ".tk-1.mp4.0123abcd.partial");
        // Held the way a live download holds its temporary file.
        await using var writer = new FileStream(live, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        writer.Write(new byte[100]);
        writer.Flush();

        await Downloader().DownloadAsync(SucceededTask(), Target, Options());

        Assert.True(File.Exists(live));
        Assert.Equal(100, writer.Length);
        Assert.Equal(PatternStream.Expected(Size), await File.ReadAllBytesAsync(Target));
    }

    [Fact]
    public async Task OnlyThisTargetsTemporaryFiles_AreTouched()
    {
        string[] others =
        [
            Path.Combine(_folder, ".tk-10.mp4.0badf00d.partial"),   // another task's video
            Path.Combine(_folder, ".tk-1.mp4.not-ours.partial"),    // not a name the downloader makes
            Path.Combine(_folder, "tk-1.mp4.0badf00d.partial"),     // not hidden
            Path.Combine(_folder, ".tk-1.mp4.0badf00d.part"),
        ];
        foreach (var other in others)
        {
            await File.WriteAllBytesAsync(other, new byte[10]);
        }

        await Downloader().DownloadAsync(SucceededTask(), Target, Options());

        Assert.All(others, other => Assert.True(File.Exists(other), $"{Path.GetFileName(other)} was removed"));
    }
}
