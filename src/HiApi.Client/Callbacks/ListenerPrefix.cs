using System.Globalization;
using System.Net;

namespace HiApi.Client;

/// <summary>
/// One listener prefix in HttpListener's syntax (<c>http://+:8080/hooks/hiapi/</c>): which address to bind, and which
/// requests (Host header, path) it takes. <c>+</c> and <c>*</c> take any Host; a name or address takes only requests
/// whose Host names it and the port, as HttpListener did, except that a loopback prefix (localhost, 127.0.0.0/8,
/// [::1]) takes any Host from a connection made on this computer: that is the proxy or tunnel in front, and most of
/// them (Caddy, cloudflared, ngrok) pass the public Host on, which would otherwise turn every callback into a silent 404.
/// </summary>
internal sealed class ListenerPrefix
{
    private const string Example = "A prefix looks like http://+:8080/hooks/hiapi/ (http, a host or + or *, a port, a path ending with /).";

    private ListenerPrefix(string text, string host, IPAddress? address, int port, string path)
    {
        Text = text;
        Host = host;
        Address = address;
        Port = port;
        Path = path;
    }

    public string Text { get; }

    /// <summary>Lower case; <c>+</c> or <c>*</c> for any host; an IPv6 address without brackets.</summary>
    public string Host { get; }

    /// <summary>Set when the host is an IP address literal.</summary>
    public IPAddress? Address { get; }

    public int Port { get; }

    /// <summary>Starts and ends with '/'.</summary>
    public string Path { get; }

    public bool IsWildcard => Host is "+" or "*";

    public bool IsLocalhost => Host == "localhost";

    /// <summary>localhost, 127.0.0.0/8 or [::1]: only this computer can reach it.</summary>
    public bool IsLoopback => IsLocalhost || (Address is not null && IPAddress.IsLoopback(Address));

    /// <exception cref="HiApiException">Kind <see cref="HiApiErrorKind.Configuration"/>: not a usable prefix, or https.</exception>
    public static ListenerPrefix Parse(string? prefix)
    {
        if (string.IsNullOrWhiteSpace(prefix))
        {
            throw Invalid(prefix ?? string.Empty, "it is empty.");
        }

        const string Http = "http://";
        if (prefix.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            throw new HiApiException(
                HiApiErrorKind.Configuration,
                $"'{prefix}' is an https prefix; the callback listener speaks plain http only. HiAPI needs an https callback URL, so " +
                "put a TLS-terminating reverse proxy or tunnel in front (https://hooks.example.com/hooks/hiapi/ forwarded to " +
                "http://127.0.0.1:8080/hooks/hiapi/) and listen on the http prefix it forwards to.");
        }

        if (!prefix.StartsWith(Http, StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid(prefix, "only http:// prefixes are supported.");
        }

        var rest = prefix[Http.Length..];
        var slash = rest.IndexOf('/');
        if (slash < 0)
        {
            throw Invalid(prefix, "it has no path; the path must end with '/'.");
        }

        var authority = rest[..slash];
        var path = rest[slash..];
        if (!path.EndsWith('/') || path.IndexOfAny(['?', '#', '\\']) >= 0 || path.Any(char.IsControl))
        {
            throw Invalid(prefix, "the path must end with '/' and hold no query, fragment or control characters.");
        }

        if (!TrySplitAuthority(authority, out var host, out var port, out var portGiven))
        {
            throw Invalid(prefix, "its host or port cannot be read.");
        }

        if (portGiven && port is < 1 or > 65535)
        {
            throw Invalid(prefix, "the port must be from 1 to 65535.");
        }

        IPAddress? address = null;
        if (host is not ("+" or "*") && !IPAddress.TryParse(host, out address) && Uri.CheckHostName(host) != UriHostNameType.Dns)
        {
            throw Invalid(prefix, $"'{host}' is not a host name or address.");
        }

        if (address is not null && host.Contains(':') && address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            throw Invalid(prefix, $"'{host}' is not a host name or address.");
        }

        return new ListenerPrefix(prefix, host.ToLowerInvariant(), address, port, Uri.UnescapeDataString(path));
    }

    /// <summary>
    /// Whether a request with this Host header, on a connection made from this computer (<paramref name="fromThisComputer"/>)
    /// or not, is for this prefix: any Host for a loopback prefix reached locally, else HttpListener's rule.
    /// </summary>
    public bool Takes(string? hostHeader, bool fromThisComputer) => (IsLoopback && fromThisComputer) || MatchesHost(hostHeader);

    /// <summary>HttpListener's rule: any Host for <c>+</c> and <c>*</c>; otherwise the same host and port.</summary>
    public bool MatchesHost(string? hostHeader)
    {
        if (IsWildcard)
        {
            return true;
        }

        if (hostHeader is null || !TrySplitAuthority(hostHeader.Trim(), out var host, out var port, out _) || port != Port)
        {
            return false;
        }

        return Address is not null
            ? IPAddress.TryParse(host, out var address) && address.Equals(Address)
            : string.Equals(host, Host, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The prefix path and everything below it; also the path without its final '/' (a callback URL often lacks it).</summary>
    public bool MatchesPath(string path) =>
        path.StartsWith(Path, StringComparison.OrdinalIgnoreCase)
        || (path.Length == Path.Length - 1 && Path.StartsWith(path, StringComparison.OrdinalIgnoreCase));

    public override string ToString() => Text;

    /// <summary><c>host[:port]</c> or <c>[v6][:port]</c>; port 80 when absent.</summary>
    private static bool TrySplitAuthority(string authority, out string host, out int port, out bool portGiven)
    {
        host = string.Empty;
        port = 80;
        portGiven = false;
        string portText;
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']');
            if (close < 0)
            {
                return false;
            }

            host = authority[1..close];
            var after = authority[(close + 1)..];
            if (after.Length == 0)
            {
                return host.Length > 0;
            }

            if (after[0] != ':')
            {
                return false;
            }

            portText = after[1..];
        }
        else
        {
            var colon = authority.IndexOf(':');
            if (colon < 0)
            {
                host = authority;
                return host.Length > 0;
            }

            host = authority[..colon];
            portText = authority[(colon + 1)..];
        }

        portGiven = true;
        return host.Length > 0
            && portText.Length is > 0 and <= 5
            && int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port);
    }

    private static HiApiException Invalid(string prefix, string why) =>
        new(HiApiErrorKind.Configuration, $"'{prefix}' is not a valid listener prefix: {why} {Example}");
}
