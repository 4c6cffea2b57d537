namespace HiApi.Emulator;

/// <summary>
/// One attempt to POST a final task to its <c>callback.url</c>: the receiver's status code, or the error when
/// no answer came.
/// </summary>
/// <param name="SignatureTimestamp">The <c>X-HiAPI-Timestamp</c> sent, or null for an unsigned callback.</param>
/// <param name="Signature">The <c>X-HiAPI-Signature</c> sent, or null for an unsigned callback.</param>
public sealed record CallbackDelivery(
    string TaskId,
    string Url,
    int Attempt,
    int? StatusCode,
    string? Error,
    DateTimeOffset At,
    string Body,
    string? SignatureTimestamp = null,
    string? Signature = null);
