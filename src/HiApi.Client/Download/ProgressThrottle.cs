using System.Diagnostics;

namespace HiApi.Client;

/// <summary>Progress at most every ~100 ms: a fast download would otherwise flood the host with updates.</summary>
internal sealed class ProgressThrottle
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly string _taskId;
    private readonly IProgress<DownloadProgress>? _progress;
    private long _lastReport = long.MinValue;

    public ProgressThrottle(string taskId, IProgress<DownloadProgress>? progress)
    {
        _taskId = taskId;
        _progress = progress;
    }

    public void Report(long received, long? total)
    {
        if (_progress is null)
        {
            return;
        }

        var now = Stopwatch.GetTimestamp();
        if (_lastReport != long.MinValue && Stopwatch.GetElapsedTime(_lastReport, now) < Interval)
        {
            return;
        }

        _lastReport = now;
        _progress.Report(new DownloadProgress(_taskId, received, total));
    }

    public void ReportFinal(long received, long total) =>
        _progress?.Report(new DownloadProgress(_taskId, received, total));
}
