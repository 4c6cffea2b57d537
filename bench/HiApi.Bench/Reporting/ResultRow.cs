namespace HiApi.Bench.Reporting;

/// <summary>One line of the table. <see cref="Pass"/> is null for a line that only informs (no target).</summary>
internal sealed record ResultRow(string Number, string Metric, string Module, string Baseline, string RatioOrTarget, bool? Pass)
{
    public string Verdict => Pass switch
    {
        true => "PASS",
        false => "MISS",
        null => "info",
    };
}
