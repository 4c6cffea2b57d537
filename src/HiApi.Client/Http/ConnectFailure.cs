using System.Net.Sockets;

namespace HiApi.Client;

/// <summary>A failure without an answer, told in a few words for logs, retry events and errors.</summary>
internal static class ConnectFailure
{
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
