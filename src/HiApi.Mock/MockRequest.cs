namespace HiApi.Mock;

/// <summary>
/// One request the stand-in received. The API key is never kept, only whether an <c>Authorization</c> header came.
/// </summary>
/// <param name="Kind"><c>create</c>, <c>get</c>, <c>list</c>, <c>download</c>, <c>pricing</c> or <c>other</c>.</param>
/// <param name="StatusCode">What the stand-in answered.</param>
/// <param name="IdempotencyKey">The <c>Idempotency-Key</c> header as sent (keys are not secrets), or null.</param>
/// <param name="Replay">True for a create answered as the replay of an earlier one (<c>Idempotent-Replay: true</c>): nothing new was made.</param>
/// <param name="TaskId">The task a create made or replayed, a read asked for, or a download fetched.</param>
/// <param name="Body">A create's body as sent (UTF-8), else null.</param>
/// <param name="Model">A create's <c>model</c>, when its body is a JSON object with one.</param>
/// <param name="Prompt">A create's <c>input.prompt</c>, when there is one.</param>
/// <param name="Duration">A create's <c>input.duration</c>, when it is an integer.</param>
public sealed record MockRequest(
    DateTimeOffset At,
    string Method,
    string Path,
    string? Query,
    string Kind,
    int StatusCode,
    bool HasAuthorization,
    string? IdempotencyKey,
    bool Replay,
    string? TaskId,
    string? Body,
    string? Model,
    string? Prompt,
    int? Duration);
