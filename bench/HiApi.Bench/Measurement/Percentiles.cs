namespace HiApi.Bench.Measurement;

/// <summary>Order statistics by the nearest-rank method: every reported value is one that was actually measured.</summary>
internal static class Percentiles
{
    public static T Of<T>(IReadOnlyCollection<T> values, double percentile)
        where T : IComparable<T>
    {
        if (values.Count == 0)
        {
            throw new ArgumentException("No values.", nameof(values));
        }

        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }

    public static T Median<T>(IReadOnlyCollection<T> values)
        where T : IComparable<T> => Of(values, 50);
}
