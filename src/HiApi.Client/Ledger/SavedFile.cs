namespace HiApi.Client;

/// <summary>
/// One place a task's video was saved to, with its length and SHA-256 (lowercase hex) then: enough to tell later whether
/// it is intact. A save recorded by an older version has no hash (null): only its length and MP4 structure can be checked.
/// </summary>
public sealed record SavedFile(string Path, long Length, string? Sha256 = null);
