namespace HiApi.Emulator;

/// <summary>
/// One attempt to POST a final task to its <c>callback.url</c>: the receiver's status code, or the error when
/// no answer came.
/// </summary>
public sealed record CallbackDelivery(
    string TaskId,
    string Url,
    int Attempt,
    int? StatusCode,
    string? Error,
    DateTimeOffset At,
    string Body);
