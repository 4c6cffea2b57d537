using System.Net;

namespace HiApi.Client;

/// <summary>
/// The proxy every HttpClient of the module uses: whatever <see cref="HttpClient.DefaultProxy"/> says now (HTTPS_PROXY,
/// HTTP_PROXY, ALL_PROXY and NO_PROXY, else the system's settings on Windows and macOS, or what a script set), except
/// that a loopback host (localhost, 127.0.0.0/8, [::1]) never goes through a proxy. Plain http is allowed only to
/// loopback, so this is what keeps the key from travelling in clear to a proxy: an environment proxy would otherwise
/// receive every request to the emulator, Authorization header and all. An https request through a proxy is a CONNECT
/// tunnel, in which the proxy sees the host name and nothing else.
/// </summary>
/// <remarks>
/// Read at every request rather than copied when a pooled handler is built, so a proxy (or its credentials) set later
/// in the session applies. Its own <see cref="Credentials"/> forward to the current default proxy's for the same reason:
/// the handler reads a proxy's credentials once.
/// </remarks>
internal sealed class LoopbackBypassingProxy : IWebProxy, ICredentials
{
    public static LoopbackBypassingProxy Instance { get; } = new();

    private LoopbackBypassingProxy()
    {
    }

    public ICredentials? Credentials
    {
        get => this;
        set => HttpClient.DefaultProxy.Credentials = value;
    }

    /// <summary>
    /// The proxy for <paramref name="destination"/>, without the user name and password that HTTPS_PROXY may carry
    /// (http://user:password@proxy:3128): the handler quotes this address in its errors. The credentials still reach
    /// the proxy through <see cref="GetCredential"/>, which matches the proxy's address without them.
    /// </summary>
    public Uri? GetProxy(Uri destination)
    {
        if (IsBypassed(destination) || HttpClient.DefaultProxy.GetProxy(destination) is not { } proxy)
        {
            return null;
        }

        return string.IsNullOrEmpty(proxy.UserInfo) ? proxy : new UriBuilder(proxy) { UserName = string.Empty, Password = string.Empty }.Uri;
    }

    public bool IsBypassed(Uri host) =>
        LoopbackHost.IsLoopback(host) || HttpClient.DefaultProxy.IsBypassed(host);

    public NetworkCredential? GetCredential(Uri uri, string authType) =>
        HttpClient.DefaultProxy.Credentials?.GetCredential(uri, authType);
}
