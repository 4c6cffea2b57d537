using System.Diagnostics;
using HiApi.Bench.Hosting;
using HiApi.Bench.Measurement;
using HiApi.Bench.Scenarios;
using HiApi.Client;

namespace HiApi.Bench.Children;

/// <summary>
/// <c>child-download</c>: downloads one file in a process that does nothing else, timing the transfer and the
/// memory it takes. <c>--path module</c> is <see cref="VideoDownloader.DownloadAsync"/> (as Save-HiApiVideo calls
/// it, with progress); <c>--path bare</c> is the few lines a user would write with a plain <see cref="HttpClient"/>.
/// </summary>
internal static class DownloadChild
{
    public const string Command = "child-download";

    public static async Task<int> RunAsync(ChildArguments args)
    {
        var path = args.Text("path");
        var target = args.Text("file");
        Func<Task> download;
        if (path == "module")
        {
            // Reading the task is setup (it also warms the runtime); only the download is timed.
            var client = ModuleClients.FromEnvironment(args.Text("base"));
            var task = await client.GetTaskAsync(args.Text("task-id"));
            var downloader = new VideoDownloader();
            download = () => downloader.DownloadAsync(task, target, new DownloadOptions { Progress = new LatestProgress<DownloadProgress>() });
        }
        else if (path == "bare")
        {
            var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = Timeout.InfiniteTimeSpan };
            var url = args.Text("url");
            download = async () =>
            {
                using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
                response.EnsureSuccessStatusCode();
                await using var file = File.Create(target);
                await response.Content.CopyToAsync(file);
            };
        }
        else
        {
            throw new ArgumentException($"Unknown download path '{path}'.");
        }

        // Start from a settled heap, so the growth is the download's and not leftover setup garbage.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var before = MemoryProbe.CurrentWorkingSet();
        using var probe = MemoryProbe.Start();
        var stopwatch = Stopwatch.StartNew();
        await download();
        stopwatch.Stop();
        var peak = probe.Peak;

        ChildRunner.Report(new DownloadChildResult(path, new FileInfo(target).Length, stopwatch.Elapsed.TotalSeconds, before, peak, probe.KernelPeakReset));
        return 0;
    }
}
