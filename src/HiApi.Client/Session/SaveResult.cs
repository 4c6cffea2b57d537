namespace HiApi.Client;

/// <summary>The saved video, and whether it was already on disk from an earlier run (nothing downloaded).</summary>
public sealed record SaveResult(FileInfo File, bool AlreadySaved)
{
    /// <summary>Its sidecar, when one was asked for (<see cref="DownloadOptions.Sidecar"/>) and is in place.</summary>
    public SidecarResult? Sidecar { get; init; }

    /// <summary>Why the sidecar asked for could not be written; the video itself is saved.</summary>
    public HiApiException? SidecarError { get; init; }
}
