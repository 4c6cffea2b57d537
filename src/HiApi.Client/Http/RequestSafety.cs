namespace HiApi.Client;

/// <summary>Whether a request may be sent twice: decides which failed attempts <see cref="RetryRules"/> lets be retried.</summary>
public enum RequestSafety
{
    /// <summary>A read (a GET of the API, a download): repeating it changes nothing.</summary>
    Safe,

    /// <summary>A create with an <c>Idempotency-Key</c>: HiAPI answers a repeat with the task it already created.</summary>
    Idempotent,

    /// <summary>A create without a key: a repeat may pay twice, so it is retried only when the first provably did nothing.</summary>
    Unsafe,
}
