namespace HiApi.Client;

/// <summary>Where a batch of downloads stands (see <see cref="DownloadBatchProgress"/>).</summary>
public readonly record struct BatchSnapshot(
    int FilesDone,
    int FilesKnown,
    int FilesActive,
    long BytesReceived,
    long? BytesTotal,
    double BytesPerSecond,
    int? SecondsRemaining,
    int PercentComplete);
