using System.Net.Sockets;

namespace HiApi.Client.Tests;

/// <summary>Which failures prove a request never reached the server: the rule behind retrying a paid create.</summary>
public sealed class ConnectFailureTests
{
    public static TheoryData<string, Exception, bool> Failures() => new()
    {
        { "refused", new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused", new SocketException((int)SocketError.ConnectionRefused)), true },
        { "dns", new HttpRequestException(HttpRequestError.NameResolutionError, "Name or service not known", new SocketException((int)SocketError.HostNotFound)), true },
        { "tls handshake", new HttpRequestException(HttpRequestError.SecureConnectionError, "The SSL connection could not be established"), true },
        { "proxy refused the tunnel", new HttpRequestException(HttpRequestError.ProxyTunnelError, "The proxy tunnel request to proxy 'http://proxy:3128/' failed with status code '407'."), true },
        { "bare socket refusal", new SocketException((int)SocketError.ConnectionRefused), true },
        { "answer cut short", new HttpRequestException(HttpRequestError.ResponseEnded, "An error occurred while sending the request.", new IOException("The response ended prematurely.")), false },
        { "reset mid-answer", new HttpRequestException(HttpRequestError.Unknown, "Error while copying content", new IOException("reset", new SocketException((int)SocketError.ConnectionReset))), false },
        { "plain io", new IOException("Unable to read data from the transport connection"), false },
        { "timeout", new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout"), false },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void OnlyFailuresBeforeAConnectionExisted_ProveNothingWasSent(string name, Exception failure, bool provesNotSent) =>
        Assert.True(ConnectFailure.ProvesRequestNotSent(failure) == provesNotSent, name);

    [Fact]
    public void Describe_GivesAShortReason()
    {
        Assert.Equal("connection refused", ConnectFailure.Describe(new HttpRequestException(HttpRequestError.ConnectionError, "x", new SocketException((int)SocketError.ConnectionRefused))));
        Assert.Equal("the connection closed before the answer was complete", ConnectFailure.Describe(new HttpRequestException(HttpRequestError.ResponseEnded, "x")));
    }
}
