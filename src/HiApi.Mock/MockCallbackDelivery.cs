namespace HiApi.Mock;

/// <summary>One POST of a final task to its <c>callback.url</c>: the receiver's status, or why no answer came.</summary>
/// <param name="Signed">True when it carried <c>X-HiAPI-Timestamp</c> and <c>X-HiAPI-Signature</c>.</param>
public sealed record MockCallbackDelivery(
    string TaskId,
    string Url,
    int? StatusCode,
    string? Error,
    DateTimeOffset At,
    string Body,
    bool Signed);
