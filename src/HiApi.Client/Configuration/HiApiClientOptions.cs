namespace HiApi.Client;

/// <summary>Everything a <see cref="HiApiClient"/> needs; resolve the parts with <see cref="BaseUriResolver"/> and <see cref="ApiKey.Resolve"/>.</summary>
public sealed class HiApiClientOptions
{
    /// <summary>Checked again by the client: https, or http only to a loopback host.</summary>
    public Uri BaseUri { get; init; } = null!;
    /// <summary>Null: no key (only public resources, such as the price list, can be read).</summary>
    public ApiKey? ApiKey { get; init; }
    public RetryPolicy RetryPolicy { get; init; } = RetryPolicy.Default;

    /// <summary>
    /// For one HTTP attempt (a task is a few hundred bytes: an answer that takes longer is not coming). A timed-out
    /// GET is retried, and so is a create with an idempotency key.
    /// </summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The most one request may take with all its retries, counted from its first attempt: no retry starts, and no
    /// attempt runs, past it. With <see cref="RequestTimeout"/> this makes a dead API fail in about 30 s, not minutes.
    /// </summary>
    public TimeSpan RetryBudget { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Who is asking, added to the <c>User-Agent</c> as a comment (the cmdlet's name: <c>HiApi.Video/0.1.0 (Get-HiApiTask)</c>),
    /// so a server log, or a test, can tell which command sent a request. Printable ASCII only; anything else is dropped.
    /// </summary>
    public string? Caller { get; init; }

    /// <summary>The largest answer read from the API (a task is a few KB, a listing page some tens of KB).</summary>
    public int MaxResponseBytes { get; init; } = 1024 * 1024;

    /// <summary>The gate all requests pass (shared 429 back-off); null: the process-wide gate of the base URI's host.</summary>
    public ApiRequestGate? RequestGate { get; init; }

    /// <summary>Verbose lines (method, path, status, retries), never the key.</summary>
    public Action<string>? Log { get; init; }
}
