namespace HiApi.Client;

/// <summary>One place a task's video was saved to, with its length then: enough to tell later whether it is intact.</summary>
public sealed record SavedFile(string Path, long Length);
