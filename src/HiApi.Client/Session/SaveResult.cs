namespace HiApi.Client;

/// <summary>The saved video, and whether it was already on disk from an earlier run (nothing downloaded).</summary>
public sealed record SaveResult(FileInfo File, bool AlreadySaved);
