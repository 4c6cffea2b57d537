namespace HiApi.Client;

public sealed class DownloadOptions
{
    /// <summary>Replace an existing file; without it an existing file is an error (nothing is downloaded).</summary>
    public bool Force { get; init; }

    public IProgress<DownloadProgress>? Progress { get; init; }

    /// <summary>For network errors, 5xx, 429 and bodies cut short.</summary>
    public RetryPolicy RetryPolicy { get; init; } = RetryPolicy.Default;
}
