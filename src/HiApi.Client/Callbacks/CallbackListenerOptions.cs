namespace HiApi.Client;

/// <summary>Where and how a <see cref="CallbackListener"/> accepts webhook POSTs.</summary>
public sealed class CallbackListenerOptions
{
    private readonly long _maxBodyBytes = 1024 * 1024;
    private readonly TimeSpan _bodyReadTimeout = TimeSpan.FromSeconds(30);
    private readonly TimeSpan _headReadTimeout = TimeSpan.FromSeconds(10);
    private readonly int _maxConnections = 256;
    private readonly int _maxConnectionsPerPeer = 64;
    private readonly int _maxIdleConnections = 1024;
    private readonly TimeSpan _idleTimeout = TimeSpan.FromSeconds(3);

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

    /// <summary>
    /// A connection that has sent nothing this long after it opened is closed. Every real sender (HiAPI, or the proxy
    /// or tunnel in front of the listener) sends its request at once; only a connection that holds a place does not.
    /// </summary>
    public TimeSpan IdleTimeout
    {
        get => _idleTimeout;
        init => _idleTimeout = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(IdleTimeout), "Must be positive.");
    }

    /// <summary>
    /// Connections that have not sent their first byte yet, at once. They cost a socket and no buffer; beyond this,
    /// the oldest of them is closed to make room for the newcomer (a real sender speaks at once, so it is never the
    /// oldest silent one for long). Each one is also closed at <see cref="IdleTimeout"/>.
    /// </summary>
    public int MaxIdleConnections
    {
        get => _maxIdleConnections;
        init => _maxIdleConnections = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(MaxIdleConnections), "Must be positive.");
    }

    /// <summary>
    /// Connections that have spoken (being read, answered or closed) at once. A sender beyond this (or beyond
    /// <see cref="MaxConnectionsPerPeer"/>) takes the place of a connection that wastes one: an answered one still
    /// lingering first, then the slowest head, then the slowest body (oldest first). Only when every place holds a
    /// request being answered is it refused with 503.
    /// </summary>
    public int MaxConnections
    {
        get => _maxConnections;
        init => _maxConnections = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(MaxConnections), "Must be positive.");
    }

    /// <summary>
    /// Open connections from one address at once (at most <see cref="MaxConnections"/>): one sender cannot take every
    /// place. Behind a reverse proxy or tunnel every callback comes from its address, which is why a newcomer displaces
    /// that address's weakest connection instead of being refused.
    /// </summary>
    public int MaxConnectionsPerPeer
    {
        get => _maxConnectionsPerPeer;
        init => _maxConnectionsPerPeer = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(MaxConnectionsPerPeer), "Must be positive.");
    }

    /// <summary>
    /// With a key, every callback must be signed with it (<see cref="CallbackSignature"/>): others are answered 401, and
    /// signed ones need no verifying GET. Null: callbacks are unsigned hints.
    /// </summary>
    public WebhookSecret? WebhookSecret { get; init; }

    /// <summary>Whose binding rules and bind-error advice apply; the system this runs on, unless a test says otherwise.</summary>
    internal ListenerPlatform Platform { get; init; } = ListenerPlatforms.Current;

    /// <summary>Creates, binds and starts one listening socket (address, port, backlog, exclusive use); null: the real one.</summary>
    internal Func<System.Net.IPAddress, int, int, bool, System.Net.Sockets.Socket>? Listen { get; init; }
}
