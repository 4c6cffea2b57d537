namespace HiApi.Client;

/// <summary>Where and how a <see cref="CallbackListener"/> accepts webhook POSTs.</summary>
public sealed class CallbackListenerOptions
{
    private readonly long _maxBodyBytes = 1024 * 1024;
    private readonly TimeSpan _bodyReadTimeout = TimeSpan.FromSeconds(30);
    private readonly TimeSpan _headReadTimeout = TimeSpan.FromSeconds(10);
    private readonly int _maxConnections = 256;

    /// <summary>
    /// Prefixes in <see cref="System.Net.HttpListener"/>'s syntax, each ending with '/', e.g. <c>http://+:8080/hooks/hiapi/</c>
    /// (any host, every interface) or <c>http://127.0.0.1:8080/hooks/</c> (that address, and only that Host header).
    /// </summary>
    public IReadOnlyList<string> Prefixes { get; init; } = Array.Empty<string>();

    /// <summary>A final task is a few hundred bytes: 1 MiB is generous, and caps what a sender can make us buffer.</summary>
    public long MaxBodyBytes
    {
        get => _maxBodyBytes;
        init => _maxBodyBytes = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(MaxBodyBytes), "Must be positive.");
    }

    /// <summary>A sender that trickles its body this long is cut off, so slow connections cannot pile up.</summary>
    public TimeSpan BodyReadTimeout
    {
        get => _bodyReadTimeout;
        init => _bodyReadTimeout = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(BodyReadTimeout), "Must be positive.");
    }

    /// <summary>A connection whose request line and headers have not all arrived this long after it opened is closed.</summary>
    public TimeSpan HeadReadTimeout
    {
        get => _headReadTimeout;
        init => _headReadTimeout = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(HeadReadTimeout), "Must be positive.");
    }

    /// <summary>Open connections at once; beyond this a new one is answered 503 and closed without reading it.</summary>
    public int MaxConnections
    {
        get => _maxConnections;
        init => _maxConnections = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(MaxConnections), "Must be positive.");
    }

    /// <summary>
    /// With a key, every callback must be signed with it (<see cref="CallbackSignature"/>): others are answered 401, and
    /// signed ones need no verifying GET. Null: callbacks are unsigned hints.
    /// </summary>
    public WebhookSecret? WebhookSecret { get; init; }
}
