namespace HiApi.Client.Tests;

[Collection(NonParallelCollection.Name)]
public sealed class VideoDownloaderMemoryTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("hiapi-dlmem-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task MemoryDoesNotGrowWithTheFileSize()
    {
        const long size = 96L * 1024 * 1024;
        var handler = new FakeHttpHandler((request, _) => StorageResponses.Ranged(request, size));
        var task = new HiApiTask("tk-big")
        {
            Status = HiApiTaskStatus.Success,
            Outputs = new[] { new TaskOutput("video", "https://temp.example/big.mp4", DateTimeOffset.UtcNow.AddHours(1)) },
        };
        var target = Path.Combine(_root, "big.mp4");
        var downloader = new VideoDownloader(handler);

        // Warm up once so JIT and pools do not count against the measured run.
        await downloader.DownloadAsync(task, Path.Combine(_root, "warm.mp4"), new DownloadOptions());
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var file = await downloader.DownloadAsync(task, target, new DownloadOptions());
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal(size, file.Length);
        Assert.True(allocated < 16L * 1024 * 1024, $"allocated {allocated / 1024 / 1024} MiB to stream {size / 1024 / 1024} MiB");
    }
}
