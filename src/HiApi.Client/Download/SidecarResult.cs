namespace HiApi.Client;

/// <summary>A video's sidecar (see <see cref="VideoSidecar"/>), and whether it was written now (false: it already held these bytes).</summary>
public sealed record SidecarResult(FileInfo File, bool Written);
