using HiApi.Bench.Measurement;

namespace HiApi.Bench.Children;

/// <summary>
/// <see cref="Calls"/> GETs through each path, in rotating blocks. The ratios are module time / baseline time per
/// round of neighbouring blocks: on a shared machine a burst of other work hits one block, and the median of the
/// rounds shrugs it off where the ratio of the totals does not.
/// </summary>
internal sealed record OverheadChildResult(
    int Calls,
    int BlockSize,
    double ModuleSeconds,
    double BareSeconds,
    double BareParsingSeconds,
    IReadOnlyList<double> BlockRatios,
    IReadOnlyList<double> ParsingBlockRatios,
    long ModuleRequests)
{
    public double TotalRatio => ModuleSeconds / BareSeconds;

    public double MedianRatio => BlockRatios.Count == 0 ? TotalRatio : Percentiles.Median(BlockRatios);

    public double MedianParsingRatio => ParsingBlockRatios.Count == 0 ? ModuleSeconds / BareParsingSeconds : Percentiles.Median(ParsingBlockRatios);

    public double ModuleMicrosPerCall => ModuleSeconds * 1e6 / Calls;

    public double BareMicrosPerCall => BareSeconds * 1e6 / Calls;

    public double BareParsingMicrosPerCall => BareParsingSeconds * 1e6 / Calls;
}
