namespace HiApi.Client;

public sealed class DownloadOptions
{
    private readonly TimeSpan _stallTimeout = TimeSpan.FromSeconds(30);
    private readonly long _minimumBytesPerSecond = 4096;
    private readonly TimeSpan _rateWindow = TimeSpan.FromSeconds(30);

    /// <summary>Replace an existing file; without it an existing file is an error (nothing is downloaded).</summary>
    public bool Force { get; init; }

    /// <summary>Also write the video's metadata beside it (<see cref="VideoSidecar"/>), once it is saved or found saved.</summary>
    public bool Sidecar { get; init; }

    public IProgress<DownloadProgress>? Progress { get; init; }

    /// <summary>Where each failed attempt and the retry it leads to is told (a cmdlet's verbose stream); called from any thread.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>For network errors, 5xx, 429, bodies cut short, too-slow transfers and invalid videos.</summary>
    public RetryPolicy RetryPolicy { get; init; } = RetryPolicy.Default;

    /// <summary>An attempt that receives no byte (nor response headers) for this long fails and is retried. Default 30 s.</summary>
    public TimeSpan StallTimeout
    {
        get => _stallTimeout;
        init => _stallTimeout = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(StallTimeout), "Must be positive.");
    }

    /// <summary>
    /// An attempt slower than this, measured over the last <see cref="RateWindow"/> once a whole window has passed
    /// since its first byte, is aborted and counts as an attempt without progress, so a storage host that drips
    /// a byte every few seconds fails in bounded time. Default 4096 (4 KiB/s); 0 switches the check off.
    /// </summary>
    public long MinimumBytesPerSecond
    {
        get => _minimumBytesPerSecond;
        init => _minimumBytesPerSecond = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(MinimumBytesPerSecond), "Must not be negative.");
    }

    /// <summary>The sliding window over which <see cref="MinimumBytesPerSecond"/> is measured. Default 30 s.</summary>
    public TimeSpan RateWindow
    {
        get => _rateWindow;
        init => _rateWindow = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(RateWindow), "Must be positive.");
    }

    /// <summary>
    /// These options with <see cref="Force"/>: for replacing the task's own damaged save, which is not another file in
    /// the way. The sidecar keeps the caller's rule (it is written with the options given, not these).
    /// </summary>
    internal DownloadOptions WithForce() => new()
    {
        Force = true,
        Sidecar = Sidecar,
        Progress = Progress,
        Log = Log,
        RetryPolicy = RetryPolicy,
        StallTimeout = StallTimeout,
        MinimumBytesPerSecond = MinimumBytesPerSecond,
        RateWindow = RateWindow,
    };
}
