namespace HiApi.Client;

/// <summary>Everything a <see cref="HiApiClient"/> needs; resolve the parts with <see cref="BaseUriResolver"/> and <see cref="ApiKey.Resolve"/>.</summary>
public sealed class HiApiClientOptions
{
    /// <summary>Checked again by the client: https, or http only to a loopback host.</summary>
    public Uri BaseUri { get; init; } = null!;
    public ApiKey ApiKey { get; init; } = null!;
    public RetryPolicy RetryPolicy { get; init; } = RetryPolicy.Default;

    /// <summary>For one HTTP attempt; a timed-out GET is retried, a timed-out create is not.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>Verbose lines (method, path, status, retries), never the key.</summary>
    public Action<string>? Log { get; init; }
}
