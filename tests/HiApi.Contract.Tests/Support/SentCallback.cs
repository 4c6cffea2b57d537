namespace HiApi.Contract.Tests.Support;

/// <summary>A callback POST as the server logged it.</summary>
public sealed record SentCallback(string TaskId, string Body, int? StatusCode, bool Signed);
