namespace HiApi.Emulator;

/// <summary>
/// One request the emulator received on <c>/v1/...</c> or <c>/storage/...</c>. The Authorization value is never
/// kept, only whether it was present. <paramref name="StatusCode"/> is 0 when the connection was dropped.
/// </summary>
/// <param name="Kind">"create", "get", "list", "download", "pricing" or "other".</param>
/// <param name="IdempotencyKey">The <c>Idempotency-Key</c> header as sent (keys are not secrets), or null.</param>
/// <param name="Replay">True when a create was answered as an idempotent replay of an earlier one.</param>
/// <param name="UserAgent">The <c>User-Agent</c> header as sent (the module names its cmdlet there), or null.</param>
public sealed record RecordedRequest(
    DateTimeOffset At,
    string Method,
    string Path,
    string? Query,
    bool HasAuthorization,
    int StatusCode,
    long RequestBodyBytes,
    string Kind,
    string? IdempotencyKey = null,
    bool Replay = false,
    string? UserAgent = null);
