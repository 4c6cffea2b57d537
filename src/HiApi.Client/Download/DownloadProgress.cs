namespace HiApi.Client;

/// <summary>Bytes of one task's video received so far; <see cref="TotalBytes"/> is null when the server did not say.</summary>
public readonly record struct DownloadProgress(string TaskId, long BytesReceived, long? TotalBytes);
