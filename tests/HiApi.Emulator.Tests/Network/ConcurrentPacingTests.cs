using System.Diagnostics;
using HiApi.Emulator.Tests.Support;
using Xunit.Abstractions;

namespace HiApi.Emulator.Tests.Network;

/// <summary>
/// Pacing waits on timers: 200 paced downloads at once run side by side, and the process spends well under all of
/// the machine's cores over the time they take (a spinning pacer would keep every core busy).
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class ConcurrentPacingTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Two_hundred_paced_downloads_run_side_by_side_without_burning_cpu()
    {
        const int downloads = 200;
        const long size = 100 * 1024;
        var options = FastOptions.Create();
        options.VideoSizeBytes = size;
        await using var server = await EmulatorServer.StartAsync(options);
        using var client = new EmulatorClient(server, timeout: TimeSpan.FromSeconds(60));
        var (url, _) = await Downloads.FinishedOutputAsync(client);
        async Task<long[]> DownloadAllAsync() => await Task.WhenAll(Enumerable.Range(0, downloads).Select(async _ =>
        {
            using var response = await Downloads.GetAsync(client, url);
            return (await response.Content.ReadAsByteArrayAsync()).LongLength;
        }));
        // Warm up unpaced: opening 200 connections and compiling the code paths is not what is measured.
        await DownloadAllAsync();
        server.Options.DownloadBytesPerSecond = 50 * 1024;   // 2 s each

        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        var lengths = await DownloadAllAsync();
        wall.Stop();
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        output.WriteLine($"{downloads} paced downloads of {size} bytes: wall {wall.Elapsed.TotalSeconds:0.00} s, CPU {cpu.TotalSeconds:0.00} s");

        Assert.All(lengths, length => Assert.Equal(size, length));
        // Side by side: about 2 s, not 200 x 2 s.
        Assert.InRange(wall.Elapsed.TotalSeconds, 1.6, 15);
        // Measured 0.3-0.65 s of CPU per second of wall time on a loaded 2-core machine (client and server together,
        // thread-pool spinning included); a pacer that spins would keep both cores busy the whole time (2 s per second).
        Assert.True(cpu < wall.Elapsed * 1.5, $"CPU {cpu.TotalSeconds:0.00} s over wall {wall.Elapsed.TotalSeconds:0.00} s");
    }
}
