using System.Net;
using System.Net.Sockets;

namespace HiApi.Client.Tests;

/// <summary>
/// Binding the callback prefixes on each operating system: the advice a bind error gives, and Windows' exclusive use
/// of a port, which must not stop a restart on the same port. The system is a switch of the options, so every
/// system's rules run here; the socket calls are a stand-in where a system's behaviour cannot happen on this one.
/// </summary>
public sealed class ListenerBindingTests
{
    private const int Port = 48123;

    [Theory]
    [InlineData("Linux", "ss -ltnp 'sport = :48123'")]
    [InlineData("MacOS", "lsof -nP -iTCP:48123 -sTCP:LISTEN")]
    [InlineData("Windows", "Get-NetTCPConnection -LocalPort 48123 -State Listen")]
    public void APortInUse_SaysHowToFindTheProgram_InThatSystemsTerms(string platform, string howToFind)
    {
        var error = StartFails(Enum.Parse<ListenerPlatform>(platform), SocketError.AddressAlreadyInUse);

        Assert.Equal(HiApiErrorKind.Configuration, error.Kind);
        Assert.Contains($"http://127.0.0.1:{Port}/hooks/", error.Message);
        Assert.Contains($"is listening on port {Port}", error.Message);
        Assert.Contains(howToFind, error.Message);
    }

    [Theory]
    [InlineData("Linux", "CAP_NET_BIND_SERVICE", "excludedportrange")]
    [InlineData("MacOS", "no port needs root there since 10.14", "CAP_NET_BIND_SERVICE")]
    [InlineData("Windows", "netsh interface ipv4 show excludedportrange protocol=tcp", "root")]
    public void AccessDenied_IsExplainedAsThatSystemMeansIt(string platform, string advice, string otherSystemsAdvice)
    {
        var error = StartFails(Enum.Parse<ListenerPlatform>(platform), SocketError.AccessDenied);

        Assert.Contains(advice, error.Message);
        Assert.DoesNotContain(otherSystemsAdvice, error.Message);
    }

    [Fact]
    public void OnWindows_APortOnlyAPreviousListenersClosingConnectionsHold_IsBoundWithoutExclusiveUse()
    {
        var calls = new List<bool>();
        var port = CallbackEndpoint.FreePort();
        // What Windows does under exclusive use while the last run's connections are in TIME_WAIT.
        using var listener = Listener(ListenerPlatform.Windows, port, (address, p, backlog, exclusive) =>
        {
            calls.Add(exclusive);
            return exclusive ? throw new SocketException((int)SocketError.AddressAlreadyInUse) : RealListen(address, p, backlog);
        });

        listener.Start();

        Assert.Equal(new[] { true, false }, calls);
        Assert.True(listener.IsListening);
    }

    [Fact]
    public void OnWindows_APortAnotherProgramListensOn_StaysAnError()
    {
        var calls = new List<bool>();
        using var listener = Listener(ListenerPlatform.Windows, Port, (_, _, _, exclusive) =>
        {
            calls.Add(exclusive);
            throw new SocketException((int)SocketError.AddressAlreadyInUse);
        });

        var error = Assert.Throws<HiApiException>(listener.Start);

        Assert.Equal(new[] { true, false }, calls);
        Assert.Contains("Get-NetTCPConnection", error.Message);
    }

    [Theory]
    [InlineData("Linux")]
    [InlineData("MacOS")]
    public void OnUnix_ExclusiveUseIsNeverAsked(string platform)
    {
        var calls = new List<bool>();
        var port = CallbackEndpoint.FreePort();
        using var listener = Listener(Enum.Parse<ListenerPlatform>(platform), port, (address, p, backlog, exclusive) =>
        {
            calls.Add(exclusive);
            return RealListen(address, p, backlog);
        });

        listener.Start();

        Assert.Equal(new[] { false }, calls);
    }

    [Fact]
    public void ARealPortInUse_OnThisSystem_IsAConfigurationErrorWithThisSystemsAdvice()
    {
        using var holder = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        holder.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        holder.Listen();
        var port = ((IPEndPoint)holder.LocalEndPoint!).Port;
        using var listener = new DisposableListener(new CallbackListener(new CallbackListenerOptions { Prefixes = [$"http://127.0.0.1:{port}/hooks/"] }));

        var error = Assert.Throws<HiApiException>(listener.Start);

        Assert.Equal(HiApiErrorKind.Configuration, error.Kind);
        Assert.Contains($"is listening on port {port}", error.Message);
        Assert.Contains(ListenerBindError.Advice(port, SocketError.AddressAlreadyInUse, ListenerPlatforms.Current), error.Message);
    }

    private static HiApiException StartFails(ListenerPlatform platform, SocketError error)
    {
        using var listener = Listener(platform, Port, (_, _, _, _) => throw new SocketException((int)error));
        return Assert.Throws<HiApiException>(listener.Start);
    }

    private static DisposableListener Listener(ListenerPlatform platform, int port, Func<IPAddress, int, int, bool, Socket> listen) =>
        new(new CallbackListener(new CallbackListenerOptions
        {
            Prefixes = [$"http://127.0.0.1:{port}/hooks/"],
            Platform = platform,
            Listen = listen,
        }));

    private static Socket RealListen(IPAddress address, int port, int backlog)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(address, port));
        socket.Listen(backlog);
        return socket;
    }

    /// <summary>A listener disposed at the end of a synchronous test.</summary>
    private sealed class DisposableListener(CallbackListener listener) : IDisposable
    {
        public bool IsListening => listener.IsListening;

        public void Start() => listener.Start();

        public void Dispose() => listener.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
