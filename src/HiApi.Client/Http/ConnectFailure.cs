using System.Net.Sockets;

namespace HiApi.Client;

/// <summary>
/// Tells failures that happened before a connection existed (so the request provably never reached
/// the server) from failures after it was sent. Only the former make retrying a paid create safe.
/// </summary>
internal static class ConnectFailure
{
    public static bool ProvesRequestNotSent(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is SocketException socket && socket.SocketErrorCode is
                    SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.HostUnreachable
                    or SocketError.NetworkUnreachable or SocketError.TryAgain or SocketError.NoData)
            {
                return true;
            }

            // A proxy that would not open the tunnel (407, 403, 502 to the CONNECT) never passed the request on.
            if (current is HttpRequestException http && http.HttpRequestError is
                    HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError
                    or HttpRequestError.ProxyTunnelError)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A short reason for logs and retry events, e.g. "connection refused".</summary>
    public static string Describe(Exception exception)
    {
        if (exception is HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded })
        {
            return "the connection closed before the answer was complete";
        }

        if (exception is HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError })
        {
            return "the TLS handshake failed";
        }

        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is SocketException socket)
            {
                return socket.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => "connection refused",
                    SocketError.ConnectionReset => "connection reset",
                    SocketError.HostNotFound => "host not found",
                    SocketError.TimedOut => "connection timed out",
                    _ => socket.Message,
                };
            }
        }

        return exception.Message;
    }
}
