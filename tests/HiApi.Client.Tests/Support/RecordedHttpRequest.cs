namespace HiApi.Client.Tests;

/// <summary>What a fake handler saw: copied at once, because the request is disposed after sending.</summary>
public sealed record RecordedHttpRequest(
    HttpMethod Method,
    Uri Uri,
    string? Authorization,
    string? Range,
    string? Body,
    IReadOnlyList<string> HeaderNames,
    string? IdempotencyKey = null,
    string? IfRange = null);
