using System.Globalization;
using System.Text.Json;
using HiApi.Bench.Hosting;
using HiApi.Bench.Measurement;
using HiApi.Bench.Reporting;

namespace HiApi.Bench.Rows;

/// <summary>
/// Row 7: a batch over a WAN-like link (150 ms added to every answer, 5 MB videos served at 10 MB/s per connection,
/// 6 s renders), in a real pwsh: the module's pipeline with its defaults (but the poll interval), the same prompts
/// through a hand-written ForEach-Object -Parallel -ThrottleLimit 16 in the same pwsh process, and the floor.
/// </summary>
internal static class WanBatchRow
{
    private static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan Render = TimeSpan.FromSeconds(6);
    private const long VideoBytes = 5_000_000;
    private const long BytesPerSecond = 10_000_000;
    private const double PollIntervalSeconds = 1;
    private const int BaselineThrottleLimit = 16;

    public static async Task<RowGroup> RunAsync(BenchContext context)
    {
        var options = context.Options;
        var emulator = context.Emulator;
        var ct = context.Cancellation;
        await emulator.ConfigureAsync(EmulatorSettings.RenderTime(Render) with
        {
            LatencyMs = (int)Latency.TotalMilliseconds,
            DownloadBytesPerSecond = BytesPerSecond,
            VideoSizeBytes = VideoBytes,
            RateLimitRequests = 0,
            RecordRequests = false,
        }, ct);

        var sizes = string.Join(", ", options.WanTasks);
        BenchContext.Say($"Row 7: batches of {sizes} over a WAN-like link in pwsh, then {options.WanCompareTasks} by hand with ForEach-Object -Parallel (a few minutes)...");
        string json;
        try
        {
            json = await PwshScript.RunAsync(
                "WanBatch.ps1",
                [
                    "-BaseUri", emulator.BaseAddress.ToString(),
                    "-ModulePath", ModuleManifest(),
                    "-Scratch", context.NewFolder("wan"),
                    "-Tasks", string.Join(',', options.WanTasks),
                    "-BaselineTasks", options.WanCompareTasks.ToString(CultureInfo.InvariantCulture),
                    "-PollIntervalSeconds", PollIntervalSeconds.ToString(CultureInfo.InvariantCulture),
                    "-BaselineThrottleLimit", BaselineThrottleLimit.ToString(CultureInfo.InvariantCulture),
                ],
                TimeSpan.FromMinutes(30),
                ct);
        }
        finally
        {
            await emulator.ConfigureAsync(new EmulatorSettings { LatencyMs = 0, DownloadBytesPerSecond = 0, VideoSizeBytes = 0, RecordRequests = true }, ct);
        }

        var runs = JsonSerializer.Deserialize<List<WanRun>>(json, ChildRunner.Json) ?? throw new InvalidOperationException("Row 7 printed no result.");
        var module = runs.Single(run => run.Kind == "module" && run.Tasks == options.WanCompareTasks);
        var baseline = runs.Single(run => run.Kind == "baseline");
        var floor = Latency + Render + Latency + Latency + TimeSpan.FromSeconds((double)VideoBytes / BytesPerSecond);
        var target = floor * 1.3 + TimeSpan.FromSeconds(3);
        var ratio = module.Seconds / baseline.Seconds;
        BenchContext.Say($"  module {module.Seconds:0.00} s, by hand {baseline.Seconds:0.00} s, floor {floor.TotalSeconds:0.00} s");

        var scaling = runs.Where(run => run.Kind == "module").OrderBy(run => run.Tasks)
            .Select(run => Units.F("{0} tasks: {1:0.0} s ({2}/{0} saved)", run.Tasks, run.Seconds, run.Saved));
        var rows = new List<ResultRow>
        {
            new("7",
                $"Batch over a WAN-like link: {options.WanCompareTasks} tasks, {Latency.TotalMilliseconds:0} ms per answer, {VideoBytes / 1e6:0} MB videos at {BytesPerSecond / 1e6:0} MB/s per connection, {Render.TotalSeconds:0} s render (pwsh, wall time)",
                $"{Units.F("{0:0.00} s", module.Seconds)} ({module.Saved}/{module.Tasks} saved)",
                $"ForEach-Object -Parallel -ThrottleLimit {BaselineThrottleLimit} by hand: {Units.F("{0:0.00} s", baseline.Seconds)} ({baseline.Saved}/{baseline.Tasks} saved); floor {Units.Seconds(floor)}",
                $"{Units.Ratio(ratio)} the hand-written time (target ≤ 0.60x); target ≤ 1.3 × floor + 3 s = {Units.Seconds(target)}",
                module.Saved == module.Tasks && baseline.Saved == baseline.Tasks && ratio <= 0.6 && module.Seconds <= target.TotalSeconds),
            new("7b",
                "Batch over a WAN-like link: peak working set of the pwsh process running the module",
                Units.Mebibytes(module.PeakWorkingSet),
                "-",
                "-",
                null),
            new("7c",
                "Batch over a WAN-like link: how the module's time grows with the batch",
                string.Join("; ", scaling),
                "-",
                "-",
                null),
        };

        var notes = new List<string>
        {
            $"Row 7: one pwsh process (the repository's .NET tool) runs `bench/scripts/WanBatch.ps1`: `$prompts | New-HiApiVideoTask -Duration 3 | Wait-HiApiTask -PollIntervalSeconds {PollIntervalSeconds:0} | Save-HiApiVideo -Path $out` " +
            $"for each batch size (module defaults otherwise), then the same prompts through `ForEach-Object -Parallel -ThrottleLimit {BaselineThrottleLimit}`, each runspace doing the seeds' recipe " +
            "(Invoke-RestMethod to submit, a poll loop, Invoke-WebRequest -OutFile). The emulator adds the latency to every API answer and before a download's first byte, and paces each download connection. " +
            $"The floor is one task alone: a round trip to submit, the render, one poll, the download's first byte and its transfer. The peak working set is read after the {options.WanCompareTasks}-task run, before the hand-written one.",
        };
        return new RowGroup(rows, notes);
    }

    /// <summary>The module as this configuration built it (the repository's bin/ may hold another build).</summary>
    private static string ModuleManifest()
    {
        var dll = Path.Combine(RepositoryLayout.Root, "src", "HiApi.Video", "bin", RepositoryLayout.Configuration, "net8.0", "HiApi.Video.dll");
        return File.Exists(dll) ? dll : Path.Combine(RepositoryLayout.Root, "HiApi.Video.psd1");
    }

    private sealed record WanRun(string Kind, int Tasks, double Seconds, int Saved, long PeakWorkingSet);
}
