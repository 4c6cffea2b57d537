using HiApi.Client;

namespace HiApi.Bench.Scenarios;

/// <summary>Keeps the newest download progress under a lock, as Save-HiApiVideo does, so the progress path costs what it costs there.</summary>
internal sealed class LatestProgress : IProgress<DownloadProgress>
{
    private readonly object _gate = new();
    private DownloadProgress? _latest;

    public void Report(DownloadProgress value)
    {
        lock (_gate)
        {
            _latest = value;
        }
    }

    public DownloadProgress? TakeLatest()
    {
        lock (_gate)
        {
            var latest = _latest;
            _latest = null;
            return latest;
        }
    }
}
