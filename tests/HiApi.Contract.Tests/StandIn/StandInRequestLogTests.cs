using System.Net;
using System.Net.Sockets;
using System.Text;
using HiApi.Contract.Tests.Support;
using HiApi.Mock;

namespace HiApi.Contract.Tests.StandIn;

/// <summary>
/// The stand-in records what it was asked, so a test can prove "nothing was submitted twice" or "this row was never
/// sent"; it never keeps a key; it listens on 127.0.0.1 only and stops for good.
/// </summary>
public sealed class StandInRequestLogTests
{
    [Fact]
    public async Task Every_request_is_logged_with_what_a_test_asks_of_it_and_never_the_key()
    {
        await using var server = MockServer.Start();
        using var api = new ApiCalls(new StandInContractServer(server, owned: false));

        var created = await api.CreateAsync(ApiCalls.TextBody("a lighthouse at dawn", duration: 4), idempotencyKey: "row-1");
        var replayed = await api.CreateAsync(ApiCalls.TextBody("a lighthouse at dawn", duration: 4), idempotencyKey: "row-1");
        var read = await api.GetAsync($"v1/tasks/{created.TaskId}");
        var url = read.Data.GetProperty("output")[0].GetProperty("url").GetString()!;
        await api.GetAsync(url, key: null);
        await api.GetAsync("v1/tasks?page=1&size=5");
        await api.CreateAsync(ApiCalls.TextBody(), key: "sk-a-real-looking-key-1234567890");
        await api.GetAsync("api/pricing", key: null);

        var log = server.Requests;
        Assert.Equal(["create", "create", "get", "download", "list", "create", "pricing"], log.Select(r => r.Kind));
        Assert.Equal([200, 200, 200, 200, 200, 401, 200], log.Select(r => r.StatusCode));
        Assert.Equal([false, true], log.Take(2).Select(r => r.Replay));
        Assert.Equal([created.TaskId, created.TaskId, created.TaskId, created.TaskId], log.Take(4).Select(r => r.TaskId));
        Assert.Equal(("a lighthouse at dawn", 4, "happyhorse-1.1/text-to-video", "row-1"), (log[0].Prompt, log[0].Duration, log[0].Model, log[0].IdempotencyKey));
        Assert.Equal(ApiCalls.TextBody("a lighthouse at dawn", duration: 4), log[0].Body);
        Assert.Equal("page=1&size=5", log[4].Query);
        Assert.Equal([true, true, true, false, true, true, false], log.Select(r => r.HasAuthorization));
        var everything = string.Join("\n", log.Select(r => r.ToString()));
        Assert.DoesNotContain(server.ApiKey, everything);
        Assert.DoesNotContain("sk-a-real-looking-key", everything);
        Assert.Single(server.Tasks);

        server.ClearRequests();
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task It_listens_on_127_0_0_1_only_and_refuses_connections_once_stopped()
    {
        var server = MockServer.Start();
        Assert.Equal("127.0.0.1", server.BaseUri.Host);
        Assert.Equal("/", server.BaseUri.AbsolutePath);

        await server.StopAsync();
        await server.StopAsync();

        Assert.False(server.IsRunning);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await Assert.ThrowsAsync<SocketException>(() => socket.ConnectAsync(IPAddress.Loopback, server.BaseUri.Port));
    }

    [Fact]
    public async Task A_body_over_1_MiB_is_refused_413_without_reading_it()
    {
        await using var server = MockServer.Start();
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, server.BaseUri.Port);
        var stream = client.GetStream();

        await stream.WriteAsync(Encoding.ASCII.GetBytes($"POST /v1/tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {2 * 1024 * 1024}\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var statusLine = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("HTTP/1.1 413 Content Too Large", statusLine);
    }
}
