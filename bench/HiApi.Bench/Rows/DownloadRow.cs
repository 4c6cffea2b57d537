using System.Diagnostics;
using HiApi.Bench.Children;
using HiApi.Bench.Hosting;
using HiApi.Bench.Measurement;
using HiApi.Bench.Reporting;
using HiApi.Bench.Scenarios;
using HiApi.Client;

namespace HiApi.Bench.Rows;

/// <summary>
/// Row 4: one large file over loopback, several ways, each in its own fresh process: Debian's <c>curl -o</c>, a bare
/// <see cref="HttpClient"/> stream copy, and the module's <see cref="VideoDownloader"/> (plus curl followed by an fsync,
/// the like-for-like reference for a downloader that makes its file durable). Rounds alternate the order
/// so disk write-back and page-cache state do not favour one of them.
/// </summary>
internal static class DownloadRow
{
    private const long GrowthLimit = 64L * 1024 * 1024;
    private const double ThroughputTarget = 0.9;

    public static async Task<RowGroup> RunAsync(BenchContext context)
    {
        var options = context.Options;
        var emulator = context.Emulator;
        var ct = context.Cancellation;
        var size = options.DownloadMiB * 1024L * 1024L;
        await emulator.ConfigureAsync(EmulatorSettings.RenderTime(TimeSpan.FromMilliseconds(300)) with { VideoSizeBytes = size }, ct);

        var client = ModuleClients.For(emulator.BaseAddress, EmulatorProcess.ApiKey);
        var task = await client.CreateTaskAsync(ModuleClients.ClipRequest(0), ct: ct);
        while (!task.IsTerminal)
        {
            await Task.Delay(100, ct);
            task = await client.GetTaskAsync(task.TaskId, ct);
        }

        var url = task.VideoUrl ?? throw new InvalidOperationException($"The download task ended {task.Status} without a video.");
        var folder = context.NewFolder("download");
        var curl = new List<double>();
        var curlSynced = new List<double>();
        var bare = new List<DownloadChildResult>();
        var module = new List<DownloadChildResult>();
        var order = new[] { "curl", "curl+sync", "bare", "module" };

        // One untimed transfer first: the emulator's streaming loop starts as unoptimised code, and whichever path
        // came first would pay for its JIT.
        BenchContext.Say($"Row 4: warm-up transfer of {options.DownloadMiB} MiB (untimed)...");
        var warmUp = Path.Combine(folder, "warm-up.mp4");
        await CurlAsync(url, warmUp, size, sync: false, ct);
        File.Delete(warmUp);

        for (var round = 0; round < options.DownloadRounds; round++)
        {
            foreach (var path in round % 2 == 0 ? order : Enumerable.Reverse(order))
            {
                var file = Path.Combine(folder, $"{path}-{round}.mp4");
                BenchContext.Say($"Row 4: round {round + 1}/{options.DownloadRounds}, {path}, {options.DownloadMiB} MiB...");
                try
                {
                    switch (path)
                    {
                        case "curl":
                            curl.Add(size / await CurlAsync(url, file, size, sync: false, ct));
                            break;
                        case "curl+sync":
                            curlSynced.Add(size / await CurlAsync(url, file, size, sync: true, ct));
                            break;
                        case "bare":
                            bare.Add(await ChildRunner.RunAsync<DownloadChildResult>(
                                DownloadChild.Command, new[] { "--path", "bare", "--url", url, "--file", file }, TimeSpan.FromMinutes(5), ct));
                            break;
                        default:
                            module.Add(await ChildRunner.RunAsync<DownloadChildResult>(
                                DownloadChild.Command,
                                new[] { "--path", "module", "--base", emulator.BaseAddress.ToString(), "--task-id", task.TaskId, "--file", file },
                                TimeSpan.FromMinutes(5),
                                ct));
                            break;
                    }
                }
                finally
                {
                    File.Delete(file);
                }
            }
        }

        await emulator.ConfigureAsync(new EmulatorSettings { VideoSizeBytes = 0 }, ct);
        foreach (var result in bare.Concat(module))
        {
            if (result.Bytes != size)
            {
                throw new InvalidOperationException($"A {result.Path} download wrote {result.Bytes} bytes instead of {size}.");
            }
        }

        var bestCurl = curl.Max();
        var bestBare = bare.Max(r => r.BytesPerSecond);
        var bestModule = module.Max(r => r.BytesPerSecond);
        var worstGrowth = module.Max(r => r.Growth);
        var bareGrowth = bare.Max(r => r.Growth);
        var ratio = bestModule / bestCurl;

        var rows = new List<ResultRow>
        {
            new("4a",
                $"Download {options.DownloadMiB} MiB over loopback, throughput (best of {options.DownloadRounds})",
                $"{Units.MegabytesPerSecond(bestModule)} (runs: {string.Join(", ", module.Select(r => Units.MegabytesPerSecond(r.BytesPerSecond)))})",
                $"curl -o: {Units.MegabytesPerSecond(bestCurl)} (runs: {string.Join(", ", curl.Select(Units.MegabytesPerSecond))}); " +
                $"curl -o then `sync FILE` (on disk, as the module guarantees): {Units.MegabytesPerSecond(curlSynced.Max())} (runs: {string.Join(", ", curlSynced.Select(Units.MegabytesPerSecond))}); " +
                $"bare HttpClient: {Units.MegabytesPerSecond(bestBare)} (runs: {string.Join(", ", bare.Select(r => Units.MegabytesPerSecond(r.BytesPerSecond)))})",
                $"{Units.Ratio(ratio)} curl, {Units.Ratio(bestModule / curlSynced.Max())} curl+sync, {Units.Ratio(bestModule / bestBare)} bare; target ≥ {Units.Ratio(ThroughputTarget)} curl",
                ratio >= ThroughputTarget),
            new("4b",
                $"Download {options.DownloadMiB} MiB, peak memory growth of the downloading process",
                $"{Units.Mebibytes(worstGrowth)} (worst of {module.Count})",
                $"bare HttpClient: {Units.Mebibytes(bareGrowth)}",
                $"target < {Units.Mebibytes(GrowthLimit)}",
                worstGrowth < GrowthLimit),
        };

        var kernelPeak = module.Concat(bare).All(r => r.KernelPeak);
        var notes = new List<string>
        {
            $"Row 4: the emulator serves a {options.DownloadMiB} MiB MP4 (`VideoSizeBytes`); each download runs in a fresh process and writes a temporary file that is deleted after. " +
            $"curl is timed around the whole `curl -sS -o` process; the bare `HttpClient` (`GetAsync(ResponseHeadersRead)` + `CopyToAsync(FileStream)`) and the module (`VideoDownloader.DownloadAsync`, " +
            "as Save-HiApiVideo calls it: temporary file, progress, rename, and an fsync that neither curl nor the bare copy does, so the module's figure includes writing the whole file to disk) " +
            "are timed inside their process around the download only. " +
            "`curl -o` then coreutils `sync FILE` (an fsync of the file, timed with the transfer) is shown as the like-for-like reference: curl alone leaves the file in the page cache. " +
            "One untimed transfer warms the emulator first. " +
            $"{options.DownloadRounds} rounds, order curl, curl+sync, bare, module then reversed; the table shows the **best** run of each and lists all.",
            "Row 4 memory: growth = peak working set during the download minus the working set just before it (after a full GC), " +
            (kernelPeak
                ? "the peak being the kernel's `VmHWM` reset through `/proc/self/clear_refs` at the start (plus 10 ms sampling). "
                : "the peak sampled every 10 ms (the kernel peak could not be reset here). ") +
            "Page cache for the written file is the kernel's, not the process's, and is not counted.",
        };

        if (ratio < ThroughputTarget)
        {
            notes.Add(
                $"Row 4a missed: the module writes the file durably (fsync before the rename; a paid video must be on disk before the ledger calls it saved) and curl does not. " +
                $"Against curl followed by an fsync the module is at {Units.Ratio(bestModule / curlSynced.Max())}. Diagnosis and the proposed client change (overlap write-back with the transfer): bench/README.md, Findings.");
        }

        return new RowGroup(rows, notes);
    }

    /// <summary>
    /// Seconds taken by Debian's curl for the whole transfer, process start to exit; with <paramref name="sync"/>,
    /// plus coreutils <c>sync FILE</c> (fsync of that file) so the bytes are on disk, as the module guarantees.
    /// </summary>
    private static async Task<double> CurlAsync(string url, string file, long expectedBytes, bool sync, CancellationToken ct)
    {
        var startInfo = new ProcessStartInfo("curl") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var argument in new[] { "-sS", "--noproxy", "*", "-o", file, url })
        {
            startInfo.ArgumentList.Add(argument);
        }

        var stopwatch = Stopwatch.StartNew();
        await RunToEndAsync(startInfo, ct);
        if (new FileInfo(file).Length != expectedBytes)
        {
            throw new InvalidOperationException($"curl wrote {new FileInfo(file).Length} bytes instead of {expectedBytes}.");
        }

        if (sync)
        {
            var syncInfo = new ProcessStartInfo("sync") { UseShellExecute = false, RedirectStandardError = true };
            syncInfo.ArgumentList.Add(file);
            await RunToEndAsync(syncInfo, ct);
        }

        stopwatch.Stop();
        return stopwatch.Elapsed.TotalSeconds;
    }

    private static async Task RunToEndAsync(ProcessStartInfo startInfo, CancellationToken ct)
    {
        using var process = ChildProcesses.Start(startInfo);
        var errors = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        ChildProcesses.Forget(process);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{startInfo.FileName} failed (exit code {process.ExitCode}): {await errors}");
        }
    }
}
