namespace HiApi.Bench.Children;

/// <summary>
/// One download in a fresh process. <see cref="PeakWorkingSet"/> is the peak during the download only;
/// growth = peak - <see cref="WorkingSetBefore"/>.
/// </summary>
internal sealed record DownloadChildResult(
    string Path,
    long Bytes,
    double Seconds,
    long WorkingSetBefore,
    long PeakWorkingSet,
    bool KernelPeak)
{
    public long Growth => Math.Max(0, PeakWorkingSet - WorkingSetBefore);

    public double BytesPerSecond => Bytes / Seconds;
}
