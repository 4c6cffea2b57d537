using HiApi.Bench.Hosting;
using HiApi.Bench.Measurement;
using HiApi.Bench.Scenarios;

namespace HiApi.Bench.Rows;

/// <summary>
/// From the moment the emulator marks a task <c>success</c> (its <c>FinishedAt</c>) to the moment the complete file
/// is in place on disk (the save returned); and, to say where the time goes, to the moment the client knew. Both
/// clocks are this machine's wall clock.
/// </summary>
internal static class CompletionLatency
{
    public static LatencySummary? ToDisk(PipelineRun run, IReadOnlyDictionary<string, EmulatorTask> tasks) => Since(run.SavedAt, tasks);

    public static LatencySummary? ToKnown(PipelineRun run, IReadOnlyDictionary<string, EmulatorTask> tasks) => Since(run.KnownAt, tasks);

    public static string Describe(LatencySummary? summary) => summary is null
        ? "no task saved"
        : $"median {Units.Millis(summary.Median)}, p95 {Units.Millis(summary.P95)} (max {Units.Millis(summary.Max)}, n={summary.Count})";

    public static string DescribeShort(LatencySummary? summary) => summary is null
        ? "-"
        : $"median {Units.Millis(summary.Median)}, p95 {Units.Millis(summary.P95)}";

    private static LatencySummary? Since(IReadOnlyDictionary<string, DateTimeOffset> moments, IReadOnlyDictionary<string, EmulatorTask> tasks)
    {
        var latencies = new List<TimeSpan>();
        foreach (var (taskId, at) in moments)
        {
            if (tasks.TryGetValue(taskId, out var task))
            {
                latencies.Add(at - task.FinishedAt);
            }
        }

        return LatencySummary.From(latencies);
    }
}
