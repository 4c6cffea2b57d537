using HiApi.Bench.Children;
using HiApi.Bench.Hosting;
using HiApi.Bench.Measurement;
using HiApi.Bench.Reporting;
using HiApi.Bench.Scenarios;

namespace HiApi.Bench.Rows;

/// <summary>Row 5: what the client adds to one <c>GET /v1/tasks/{id}</c>, against a bare <see cref="HttpClient"/> loop.</summary>
internal static class OverheadRow
{
    private const int BlockSize = 200;
    private const double Target = 1.1;

    public static async Task<RowGroup> RunAsync(BenchContext context)
    {
        var emulator = context.Emulator;
        var ct = context.Cancellation;
        var client = ModuleClients.For(emulator.BaseAddress, EmulatorProcess.ApiKey);
        // A finished task: its answer (with output URL) is the largest a poll gets, the same for both paths.
        await emulator.ConfigureAsync(EmulatorSettings.RenderTime(TimeSpan.FromMilliseconds(300)), ct);
        var task = await client.CreateTaskAsync(ModuleClients.ClipRequest(0), ct: ct);
        while (!task.IsTerminal)
        {
            await Task.Delay(100, ct);
            task = await client.GetTaskAsync(task.TaskId, ct);
        }

        BenchContext.Say($"Row 5: {context.Options.OverheadCalls} GETs through the client and through a bare HttpClient...");
        var result = await ChildRunner.RunAsync<OverheadChildResult>(
            OverheadChild.Command,
            new[]
            {
                "--base", emulator.BaseAddress.ToString(), "--task-id", task.TaskId,
                "--calls", context.Options.OverheadCalls.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--block", BlockSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            TimeSpan.FromMinutes(5),
            ct);

        var rows = new List<ResultRow>
        {
            new("5",
                $"Per-call overhead: {result.Calls:N0} × GET /v1/tasks/{{id}}",
                $"{Units.Seconds(TimeSpan.FromSeconds(result.ModuleSeconds))} total, {Units.Micros(result.ModuleMicrosPerCall)}/call (`HiApiClient.GetTaskAsync`)",
                $"bare HttpClient: {Units.Seconds(TimeSpan.FromSeconds(result.BareSeconds))} total, {Units.Micros(result.BareMicrosPerCall)}/call; " +
                $"bare + JSON parse of data.status: {Units.Micros(result.BareParsingMicrosPerCall)}/call",
                $"{Units.Ratio(result.MedianRatio)} bare (median of {result.BlockRatios.Count} rounds; ratio of totals {Units.Ratio(result.TotalRatio)}), " +
                $"{Units.Ratio(result.MedianParsingRatio)} bare + parse; target ≤ {Units.Ratio(Target)} bare",
                result.MedianRatio <= Target && result.ModuleRequests == result.Calls),
        };

        var notes = new List<string>
        {
            $"Row 5: one child process, all paths on the same finished task with the same Authorization header: the client (`GetTaskAsync`: typed JSON, checks, retry wrapper, per-request timeout) " +
            $"against the issue's baseline `HttpClient.GetStringAsync`, and, for reference, that loop plus `JsonDocument.Parse` to read `data.status` (what the seeds' `json.loads(...)[\"data\"]` does). " +
            $"3 warm-up rounds of 300 calls per path (with pauses, so tiered JIT promotes every path), then rounds of one block of {BlockSize} per path, the order rotating each round; " +
            "ratio = module time / baseline time per round, the median shown (a burst of other work on the machine hits single blocks; the ratio of the totals is shown beside it). " +
            $"The client sent {result.ModuleRequests} requests for {result.Calls} calls (no retries).",
        };
        if (result.MedianRatio > Target)
        {
            notes.Add(
                $"Row 5 missed: the client spends about {Units.Micros(result.ModuleMicrosPerCall - result.BareMicrosPerCall)} more per call than a loop that does not even parse the answer; " +
                "a loopback round trip is so short that this shows as a ratio. Where it goes and what would cut it: bench/README.md, Findings.");
        }

        return new RowGroup(rows, notes);
    }
}
