namespace HiApi.Bench.Measurement;

/// <summary>Median, p95 and max of a set of completion-to-disk latencies.</summary>
internal sealed record LatencySummary(int Count, TimeSpan Median, TimeSpan P95, TimeSpan Max)
{
    public static LatencySummary? From(IReadOnlyCollection<TimeSpan> latencies) =>
        latencies.Count == 0
            ? null
            : new LatencySummary(latencies.Count, Percentiles.Median(latencies), Percentiles.Of(latencies, 95), latencies.Max());
}
