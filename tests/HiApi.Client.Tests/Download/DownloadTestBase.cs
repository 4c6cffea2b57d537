using System.Collections.Concurrent;

namespace HiApi.Client.Tests;

/// <summary>What every downloader test needs: a scratch folder, a succeeded task, options with instant retries.</summary>
public abstract class DownloadTestBase : IDisposable
{
    public const string Url = "https://temp.hiapi.example/v/tk-1.mp4?expires=1&sig=abc";

    /// <summary>tests/fixtures/sample.mp4: a real, playable MP4.</summary>
    protected static readonly byte[] Sample = EmulatorHarness.FixtureBytes();

    protected string Root { get; } = Directory.CreateTempSubdirectory("hiapi-dl-").FullName;

    /// <summary>The pauses the retry policy asked for (none are slept).</summary>
    protected ConcurrentQueue<TimeSpan> Delays { get; } = new();

    protected string Target => Path.Combine(Root, "out", "tk-1.mp4");

    public virtual void Dispose() => Directory.Delete(Root, recursive: true);

    protected static HiApiTask SucceededTask(string url = Url, DateTimeOffset? expiresAt = null) =>
        new("tk-1")
        {
            Status = HiApiTaskStatus.Success,
            Outputs = new[] { new TaskOutput("video", url, expiresAt ?? DateTimeOffset.UtcNow.AddHours(1)) },
        };

    protected DownloadOptions Options(bool force = false, IProgress<DownloadProgress>? progress = null, int maxRetries = 5, Action<string>? log = null) => new()
    {
        Force = force,
        Progress = progress,
        Log = log,
        RetryPolicy = TestClients.InstantRetries(Delays, maxRetries),
    };

    protected string[] LeftoverFiles() =>
        Directory.Exists(Path.Combine(Root, "out")) ? Directory.GetFiles(Path.Combine(Root, "out"), "*", SearchOption.AllDirectories) : Array.Empty<string>();
}
