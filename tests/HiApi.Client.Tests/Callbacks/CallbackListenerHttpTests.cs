using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace HiApi.Client.Tests;

/// <summary>The listener's own HTTP/1.1: routing by Host and path, deadlines, the connection cap, framing.</summary>
public sealed class CallbackListenerHttpTests
{
    private static readonly string ValidBody = ApiJson.Success("tk-hiapi-HTTP1", "https://temp.hiapi.ai/a.mp4", 1783131245);

    private static string Post(int port, string path, string body, string? host = null, string extraHeaders = "") =>
        $"POST {path} HTTP/1.1\r\nHost: {host ?? $"127.0.0.1:{port}"}\r\nContent-Type: application/json\r\n{extraHeaders}" +
        $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}";

    [Fact]
    public async Task AHostNoPrefixNames_IsAnswered404AtOnce_WithoutWaitingForTheBody_AndIsNoReceipt()
    {
        await using var endpoint = CallbackEndpoint.Create(host: "hooks.test");
        var clock = Stopwatch.StartNew();

        // The head promises 100 000 bytes that never come: the answer must not wait for them.
        var answer = await endpoint.SendRawAsync(
            $"POST /hooks/ HTTP/1.1\r\nHost: elsewhere.example:{endpoint.Url.Port}\r\nContent-Length: 100000\r\n\r\n{{", TimeSpan.FromSeconds(10));

        Assert.StartsWith("HTTP/1.1 404", answer);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"answered after {clock.Elapsed.TotalMilliseconds:0} ms");
        using var good = await endpoint.PostAsync(ValidBody);
        Assert.Equal("tk-hiapi-HTTP1", (await endpoint.NextReceiptAsync()).Task!.TaskId); // nothing was queued before it
    }

    [Fact]
    public async Task APathOutsideThePrefix_IsAnswered404()
    {
        await using var endpoint = CallbackEndpoint.Create();

        using var response = await endpoint.Http.PostAsync(new Uri(endpoint.Url, "/other/"), new StringContent(ValidBody));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("/hooks")] // a callback URL often lacks the final '/'
    [InlineData("/hooks/")]
    [InlineData("/HOOKS/")]
    [InlineData("/hooks/hiapi/task?x=1")]
    public async Task ThePrefixPath_WithOrWithoutItsSlash_AndBelowIt_IsReceived(string path)
    {
        await using var endpoint = CallbackEndpoint.Create();

        using var response = await endpoint.Http.PostAsync(new Uri(endpoint.Url, path), new StringContent(ValidBody));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("tk-hiapi-HTTP1", (await endpoint.NextReceiptAsync()).Task!.TaskId);
    }

    [Fact]
    public async Task AChunkedBody_IsReceived()
    {
        await using var endpoint = CallbackEndpoint.Create();
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(ValidBody)));
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url) { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await endpoint.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("tk-hiapi-HTTP1", (await endpoint.NextReceiptAsync()).Task!.TaskId);
    }

    [Fact]
    public async Task AHandWrittenChunkedBody_WithExtensionsAndTrailers_IsReceived()
    {
        await using var endpoint = CallbackEndpoint.Create();
        var half = ValidBody.Length / 2;
        var chunked = $"{half:x};name=value\r\n{ValidBody[..half]}\r\n{ValidBody.Length - half:X}\r\n{ValidBody[half..]}\r\n0\r\nX-Trailer: yes\r\n\r\n";

        var answer = await endpoint.SendRawAsync(
            $"POST /hooks/ HTTP/1.1\r\nHost: 127.0.0.1:{endpoint.Url.Port}\r\nTransfer-Encoding: chunked\r\n\r\n{chunked}");

        Assert.StartsWith("HTTP/1.1 200", answer);
        Assert.EndsWith("{\"ok\":true}", answer);
        Assert.Equal("tk-hiapi-HTTP1", (await endpoint.NextReceiptAsync()).Task!.TaskId);
    }

    [Fact]
    public async Task ExpectContinue_GetsA100_BeforeTheBodyIsSent()
    {
        await using var endpoint = CallbackEndpoint.Create();
        using var client = await endpoint.ConnectAsync();
        var stream = client.GetStream();
        var head = $"POST /hooks/ HTTP/1.1\r\nHost: 127.0.0.1:{endpoint.Url.Port}\r\nExpect: 100-continue\r\nContent-Length: {ValidBody.Length}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));

        var buffer = new byte[64];
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var read = await stream.ReadAsync(buffer, limit.Token);
        Assert.Equal("HTTP/1.1 100 Continue\r\n\r\n", Encoding.ASCII.GetString(buffer, 0, read));

        await stream.WriteAsync(Encoding.ASCII.GetBytes(ValidBody));
        var answer = await RawHttp.ReadUntilClosedAsync(stream, limit.Token);
        Assert.StartsWith("HTTP/1.1 200", answer);
    }

    [Fact]
    public async Task APostWithoutALength_IsAnswered411()
    {
        await using var endpoint = CallbackEndpoint.Create();

        var answer = await endpoint.SendRawAsync($"POST /hooks/ HTTP/1.1\r\nHost: 127.0.0.1:{endpoint.Url.Port}\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 411", answer);
        Assert.Contains("411", (await endpoint.NextReceiptAsync()).Problem);
    }

    [Theory]
    [InlineData("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "400")] // smuggling-shaped: refused, not guessed
    [InlineData("Content-Length: 5\r\nContent-Length: 6\r\n", "400")]
    [InlineData("Content-Length: -5\r\n", "400")]
    [InlineData("Transfer-Encoding: gzip\r\n", "501")]
    [InlineData(" Folded: header\r\n", "400")]
    public async Task AmbiguousFraming_IsRefused(string headers, string status)
    {
        await using var endpoint = CallbackEndpoint.Create();

        var answer = await endpoint.SendRawAsync($"POST /hooks/ HTTP/1.1\r\nHost: 127.0.0.1:{endpoint.Url.Port}\r\n{headers}\r\nhello");

        Assert.StartsWith($"HTTP/1.1 {status}", answer);
    }

    [Theory]
    [InlineData("GARBAGE\r\n\r\n")]
    [InlineData("POST /hooks/ HTTP/2.0\r\nHost: x\r\n\r\n")]
    [InlineData("POST /hooks/ HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}")] // HTTP/1.1 without Host
    public async Task AMalformedRequest_IsAnswered400(string request)
    {
        await using var endpoint = CallbackEndpoint.Create();

        Assert.StartsWith("HTTP/1.1 400", await endpoint.SendRawAsync(request));
    }

    [Fact]
    public async Task AHeadOver16KiB_IsAnswered431()
    {
        await using var endpoint = CallbackEndpoint.Create();

        var answer = await endpoint.SendRawAsync(
            $"POST /hooks/ HTTP/1.1\r\nHost: 127.0.0.1:{endpoint.Url.Port}\r\nX-Padding: {new string('p', 20000)}\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 431", answer);
    }

    [Fact]
    public async Task ATrickledHead_IsAnswered408_AtTheHeadDeadline()
    {
        await using var endpoint = CallbackEndpoint.Create(headReadTimeout: TimeSpan.FromSeconds(1));
        using var client = await endpoint.ConnectAsync();
        var stream = client.GetStream();
        var clock = Stopwatch.StartNew();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(15));

        // A byte every 200 ms would never finish the head, and each byte must not extend the deadline.
        var trickle = Task.Run(async () =>
        {
            try
            {
                foreach (var character in "POST /hooks/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                {
                    await stream.WriteAsync(new[] { (byte)character }, limit.Token);
                    await Task.Delay(200, limit.Token);
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException)
            {
            }
        });
        var answer = await RawHttp.ReadUntilClosedAsync(stream, limit.Token);

        Assert.StartsWith("HTTP/1.1 408", answer);
        Assert.Contains("the request head did not arrive within 1 s", answer);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(8));
        limit.Cancel();
        await trickle;
    }

    [Fact]
    public async Task ASilentConnection_IsClosed_AtTheHeadDeadline()
    {
        await using var endpoint = CallbackEndpoint.Create(headReadTimeout: TimeSpan.FromSeconds(1));
        using var client = await endpoint.ConnectAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(15));

        var answer = await RawHttp.ReadUntilClosedAsync(client.GetStream(), limit.Token);

        Assert.Equal(string.Empty, answer); // closed without a word: nothing was asked
        Assert.False(limit.IsCancellationRequested);
    }

    [Fact]
    public async Task BeyondTheIdleCap_ACallbackTakesThePlaceOfTheOldestSilentConnection()
    {
        await using var endpoint = CallbackEndpoint.Create(maxIdleConnections: 4, headReadTimeout: TimeSpan.FromSeconds(30), idleTimeout: TimeSpan.FromSeconds(30));
        var silent = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                silent.Add(await endpoint.ConnectAsync());
                // Counted once accepted: wait for each, so "oldest" is the first one opened.
                await Eventually.TrueAsync(() => endpoint.Listener.IdleConnections == i + 1, $"connection {i + 1} was accepted");
            }

            var answer = await endpoint.SendRawAsync(Post(endpoint.Url.Port, "/hooks/", ValidBody), TimeSpan.FromSeconds(10));

            Assert.StartsWith("HTTP/1.1 200", answer);
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            Assert.Equal(string.Empty, await RawHttp.ReadUntilClosedAsync(silent[0].GetStream(), limit.Token));
            Assert.Equal(1, endpoint.Listener.EvictedConnections);
            Assert.Equal(0, endpoint.Listener.RefusedConnections);
        }
        finally
        {
            silent.ForEach(client => client.Dispose());
        }
    }

    [Fact]
    public async Task BeyondTheConnectionCap_ACallbackTakesThePlaceOfTheOldestUnfinishedHead()
    {
        await using var endpoint = CallbackEndpoint.Create(maxConnections: 4, headReadTimeout: TimeSpan.FromSeconds(30));
        var slow = await OpenUnfinishedHeadsAsync(endpoint, 4, () => endpoint.Listener.ActiveConnections);
        try
        {
            var answer = await endpoint.SendRawAsync(Post(endpoint.Url.Port, "/hooks/", ValidBody), TimeSpan.FromSeconds(10));

            Assert.StartsWith("HTTP/1.1 200", answer);
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            Assert.Equal(string.Empty, await RawHttp.ReadUntilClosedAsync(slow[0].GetStream(), limit.Token));
            Assert.Equal(1, endpoint.Listener.EvictedConnections);
            Assert.Equal(0, endpoint.Listener.RefusedConnections);
        }
        finally
        {
            slow.ForEach(client => client.Dispose());
        }
    }

    [Fact]
    public async Task OnePeer_HoldsAtMostItsShare_AndItsOwnCallbackStillGetsIn()
    {
        // Every test connection comes from 127.0.0.1: the share is that address's, and the callback shares it too.
        await using var endpoint = CallbackEndpoint.Create(maxConnections: 16, maxConnectionsPerPeer: 3, headReadTimeout: TimeSpan.FromSeconds(30));
        var slow = await OpenUnfinishedHeadsAsync(endpoint, 6, () => endpoint.Listener.ActiveConnections + (int)endpoint.Listener.EvictedConnections);
        try
        {
            Assert.Equal(3, endpoint.Listener.EvictedConnections);
            Assert.Equal(3, endpoint.Listener.ActiveConnections);

            using var response = await endpoint.PostAsync(ValidBody);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(0, endpoint.Listener.RefusedConnections);
        }
        finally
        {
            slow.ForEach(client => client.Dispose());
        }
    }

    /// <summary>Connections that sent the first line of a head and nothing more, each counted before the next opens.</summary>
    private static async Task<List<TcpClient>> OpenUnfinishedHeadsAsync(CallbackEndpoint endpoint, int count, Func<int> counted)
    {
        var clients = new List<TcpClient>();
        for (var i = 0; i < count; i++)
        {
            var client = await endpoint.ConnectAsync();
            clients.Add(client);
            await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes("POST /hooks/ HTTP/1.1\r\n"));
            await Eventually.TrueAsync(() => counted() == i + 1, $"unfinished head {i + 1} was being read");
        }

        return clients;
    }

    [Fact]
    public async Task AConnectionThatSendsNothing_IsClosedAtTheShortIdleDeadline_NotTheHeadDeadline()
    {
        await using var endpoint = CallbackEndpoint.Create(headReadTimeout: TimeSpan.FromMinutes(5), idleTimeout: TimeSpan.FromMilliseconds(300));
        using var client = await endpoint.ConnectAsync();
        // Far below the head deadline, far above the idle one: only the idle deadline can close it in time.
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var answer = await RawHttp.ReadUntilClosedAsync(client.GetStream(), limit.Token);

        Assert.Equal(string.Empty, answer);
        Assert.False(limit.IsCancellationRequested);
    }

    [Fact]
    public async Task ASenderThatSpokeBeforeTheIdleDeadline_GetsTheWholeHeadDeadline()
    {
        await using var endpoint = CallbackEndpoint.Create(headReadTimeout: TimeSpan.FromSeconds(30), idleTimeout: TimeSpan.FromMilliseconds(300));
        using var client = await endpoint.ConnectAsync();
        var stream = client.GetStream();
        var request = Encoding.ASCII.GetBytes(Post(endpoint.Url.Port, "/hooks/", ValidBody));

        // The first bytes at once, the rest well after the idle deadline.
        await stream.WriteAsync(request.AsMemory(0, 10));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await stream.WriteAsync(request.AsMemory(10));
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        Assert.StartsWith("HTTP/1.1 200", await RawHttp.ReadUntilClosedAsync(stream, limit.Token));
    }

    [Theory]
    [InlineData("+")]
    [InlineData("*")]
    public async Task AWildcardPrefix_ReceivesOnIPv4AndIPv6_WithAnyHost(string wildcard)
    {
        await using var endpoint = CallbackEndpoint.Create(host: wildcard);

        var v4 = await endpoint.SendRawAsync(Post(endpoint.Url.Port, "/hooks/", ValidBody, host: "hooks.example.com"));
        Assert.StartsWith("HTTP/1.1 200", v4);

        if (Socket.OSSupportsIPv6 && CanReachIPv6Loopback())
        {
            using var v6 = await endpoint.Http.PostAsync($"http://[::1]:{endpoint.Url.Port}/hooks/", new StringContent(ValidBody));
            Assert.Equal(HttpStatusCode.OK, v6.StatusCode);
        }
    }

    [Fact]
    public async Task ANamedPrefix_TakesOnlyItsOwnHostHeader()
    {
        await using var endpoint = CallbackEndpoint.Create(host: "hooks.test");
        var port = endpoint.Url.Port;

        Assert.StartsWith("HTTP/1.1 200", await endpoint.SendRawAsync(Post(port, "/hooks/", ValidBody, host: $"hooks.test:{port}")));
        Assert.StartsWith("HTTP/1.1 404", await endpoint.SendRawAsync(Post(port, "/hooks/", ValidBody, host: $"elsewhere.test:{port}")));
        Assert.StartsWith("HTTP/1.1 404", await endpoint.SendRawAsync(Post(port, "/hooks/", ValidBody, host: "hooks.test:1")));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task ALoopbackPrefix_TakesThePublicHostAProxyOrTunnelPassesOn(string host)
    {
        // Caddy, cloudflared and ngrok forward https://hooks.example.com/... with that Host unless told otherwise.
        await using var endpoint = CallbackEndpoint.Create(host: host);
        var port = endpoint.Url.Port;

        Assert.StartsWith("HTTP/1.1 200", await endpoint.SendRawAsync(Post(port, "/hooks/", ValidBody, host: "hooks.example.com")));
        Assert.StartsWith("HTTP/1.1 200", await endpoint.SendRawAsync(Post(port, "/hooks/", ValidBody, host: $"127.0.0.1:{port}")));
        Assert.StartsWith("HTTP/1.1 404", await endpoint.SendRawAsync(Post(port, "/elsewhere/", ValidBody, host: "hooks.example.com")));
    }

    [Fact]
    public async Task ALocalhostPrefix_IsReachedByName()
    {
        await using var endpoint = CallbackEndpoint.Create(host: "localhost");

        using var response = await endpoint.PostAsync(ValidBody);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task TwoPrefixesOnOnePort_OneWildcard_ShareOneSocket()
    {
        var port = CallbackEndpoint.FreePort();
        await using var listener = new CallbackListener(new CallbackListenerOptions
        {
            Prefixes = new[] { $"http://127.0.0.1:{port}/a/", $"http://+:{port}/b/" },
        });
        listener.Start();

        Assert.StartsWith("HTTP/1.1 200", await RawHttp.SendAsync(port, Post(port, "/a/", ValidBody)));
        Assert.StartsWith("HTTP/1.1 200", await RawHttp.SendAsync(port, Post(port, "/b/", ValidBody, host: "any.example")));
        // Reached from this computer, the loopback prefix takes any Host (the proxy in front names the public one).
        Assert.StartsWith("HTTP/1.1 200", await RawHttp.SendAsync(port, Post(port, "/a/", ValidBody, host: "any.example")));
        Assert.StartsWith("HTTP/1.1 404", await RawHttp.SendAsync(port, Post(port, "/c/", ValidBody, host: "any.example")));
    }

    [Fact]
    public void AnHttpsPrefix_IsAConfigurationError_PointingToATlsProxy()
    {
        var error = Assert.Throws<HiApiException>(() => new CallbackListener(new CallbackListenerOptions { Prefixes = new[] { "https://+:8443/hooks/" } }));

        Assert.Equal(HiApiErrorKind.Configuration, error.Kind);
        Assert.Contains("https://+:8443/hooks/", error.Message);
        Assert.Contains("TLS-terminating reverse proxy", error.Message);
    }

    [Theory]
    [InlineData("http://+:8080/hooks/hiapi/", "+", 8080, "/hooks/hiapi/")]
    [InlineData("http://*:9000/", "*", 9000, "/")]
    [InlineData("HTTP://LocalHost:8080/Hooks/", "localhost", 8080, "/Hooks/")]
    [InlineData("http://127.0.0.1:8080/hooks/", "127.0.0.1", 8080, "/hooks/")]
    [InlineData("http://[::1]:8080/hooks/", "::1", 8080, "/hooks/")]
    [InlineData("http://hooks.example.com/hooks/", "hooks.example.com", 80, "/hooks/")]
    [InlineData("http://+:8080/with%20space/", "+", 8080, "/with space/")]
    public void Prefixes_AreReadInHttpListenersSyntax(string text, string host, int port, string path)
    {
        var prefix = ListenerPrefix.Parse(text);

        Assert.Equal((host, port, path), (prefix.Host, prefix.Port, prefix.Path));
    }

    [Theory]
    [InlineData("http://+:0/hooks/")]
    [InlineData("http://+:70000/hooks/")]
    [InlineData("http://+:port/hooks/")]
    [InlineData("http://:8080/hooks/")]
    [InlineData("http://+:8080/hooks/?q=1/")]
    [InlineData("http://bad host:8080/hooks/")]
    [InlineData("http://[::1:8080/hooks/")]
    public void MalformedPrefixes_AreConfigurationErrors(string text)
    {
        var error = Assert.Throws<HiApiException>(() => ListenerPrefix.Parse(text));

        Assert.Equal(HiApiErrorKind.Configuration, error.Kind);
        Assert.Contains(text, error.Message);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/h/", "127.0.0.1:8080", true)]
    [InlineData("http://127.0.0.1:8080/h/", "127.0.0.1", false)] // port 80 is implied
    [InlineData("http://127.0.0.1:80/h/", "127.0.0.1", true)]
    [InlineData("http://[::1]:8080/h/", "[::1]:8080", true)]
    [InlineData("http://[::1]:8080/h/", "[0:0:0:0:0:0:0:1]:8080", true)]
    [InlineData("http://localhost:8080/h/", "LOCALHOST:8080", true)]
    [InlineData("http://localhost:8080/h/", "127.0.0.1:8080", false)]
    [InlineData("http://+:8080/h/", "anything:1", true)]
    [InlineData("http://+:8080/h/", null, true)] // HTTP/1.0 without Host
    [InlineData("http://localhost:8080/h/", null, false)]
    public void HostHeaders_AreMatchedAsHttpListenerDid(string prefix, string? host, bool matches) =>
        Assert.Equal(matches, ListenerPrefix.Parse(prefix).MatchesHost(host));

    [Theory]
    [InlineData("http://127.0.0.1:8080/h/", "hooks.example.com", true, true)]
    [InlineData("http://127.0.0.1:8080/h/", "hooks.example.com", false, false)] // cannot happen on a loopback socket; still refused
    [InlineData("http://localhost:8080/h/", null, true, true)]
    [InlineData("http://[::1]:8080/h/", "hooks.example.com:443", true, true)]
    [InlineData("http://hooks.example.com:8080/h/", "elsewhere.example.com:8080", true, false)]
    [InlineData("http://192.0.2.10:8080/h/", "hooks.example.com", true, false)]
    public void ALoopbackPrefix_TakesAnyHost_OnlyFromThisComputer(string prefix, string? host, bool fromThisComputer, bool takes) =>
        Assert.Equal(takes, ListenerPrefix.Parse(prefix).Takes(host, fromThisComputer));

    private static bool CanReachIPv6Loopback()
    {
        try
        {
            using var probe = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
