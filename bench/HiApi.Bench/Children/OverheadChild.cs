using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using HiApi.Bench.Hosting;
using HiApi.Bench.Scenarios;
using HiApi.Client;

namespace HiApi.Bench.Children;

/// <summary>
/// <c>child-overhead</c>: the same <c>GET /v1/tasks/{id}</c> through <see cref="HiApiClient.GetTaskAsync"/>
/// (typed answer, checks, retry wrapper, per-request timeout), through the baseline, a bare
/// <see cref="HttpClient.GetStringAsync(Uri)"/> loop with the same Authorization header, and through that loop
/// plus the one thing any real caller must add: parsing the JSON to read <c>data.status</c> (as the seeds do).
/// All three warm up first; blocks rotate which path goes first, so drift (GC, the emulator's log, CPU clock)
/// hits all alike.
/// </summary>
internal static class OverheadChild
{
    public const string Command = "child-overhead";
    private const int WarmUpRounds = 3;
    private const int WarmUpCalls = 300;

    public static async Task<int> RunAsync(ChildArguments args)
    {
        var baseUri = args.Text("base");
        var taskId = args.Text("task-id");
        var calls = args.Int("calls");
        var blockSize = Math.Min(args.Int("block"), calls);

        var client = ModuleClients.FromEnvironment(baseUri);
        var bare = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        var key = Environment.GetEnvironmentVariable(ApiKey.PrimaryEnvironmentVariable)
            ?? throw new InvalidOperationException($"{ApiKey.PrimaryEnvironmentVariable} is not set for the child.");
        bare.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var uri = new Uri(client.BaseUri, "v1/tasks/" + taskId);

        async Task ModuleBlock(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var task = await client.GetTaskAsync(taskId);
                if (task.Status == HiApiTaskStatus.Unknown)
                {
                    throw new InvalidOperationException($"Unexpected status {task.StatusText}.");
                }
            }
        }

        async Task BareBlock(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var body = await bare.GetStringAsync(uri);
                if (body.Length == 0)
                {
                    throw new InvalidOperationException("empty answer");
                }
            }
        }

        async Task BareParsingBlock(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var body = await bare.GetStringAsync(uri);
                using var document = JsonDocument.Parse(body);
                if (document.RootElement.GetProperty("data").GetProperty("status").GetString() is null)
                {
                    throw new InvalidOperationException("no status");
                }
            }
        }

        var paths = new Func<int, Task>[] { ModuleBlock, BareBlock, BareParsingBlock };

        // Tiered JIT promotes hot methods in the background once calls pause: warm in rounds with pauses, so every
        // path runs optimised code when timing starts (the module path has more of its own methods to promote).
        for (var round = 0; round < WarmUpRounds; round++)
        {
            foreach (var path in paths)
            {
                await path(WarmUpCalls);
            }

            await Task.Delay(250);
        }

        var requestsBefore = client.RequestCount;
        var totals = new TimeSpan[paths.Length];
        var ratios = new List<double>();
        var parsingRatios = new List<double>();
        var done = 0;
        for (var block = 0; done < calls; block++)
        {
            var count = Math.Min(blockSize, calls - done);
            var times = new TimeSpan[paths.Length];
            for (var step = 0; step < paths.Length; step++)
            {
                var index = (step + block) % paths.Length;
                var stopwatch = Stopwatch.StartNew();
                await paths[index](count);
                times[index] = stopwatch.Elapsed;
            }

            for (var index = 0; index < paths.Length; index++)
            {
                totals[index] += times[index];
            }

            ratios.Add(times[0] / times[1]);
            parsingRatios.Add(times[0] / times[2]);
            done += count;
        }

        ChildRunner.Report(new OverheadChildResult(
            calls,
            blockSize,
            totals[0].TotalSeconds,
            totals[1].TotalSeconds,
            totals[2].TotalSeconds,
            ratios,
            parsingRatios,
            client.RequestCount - requestsBefore));
        return 0;
    }
}
