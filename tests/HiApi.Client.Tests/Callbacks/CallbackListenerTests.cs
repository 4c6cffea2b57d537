using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace HiApi.Client.Tests;

public sealed class CallbackListenerTests
{
    private static readonly string ValidBody = ApiJson.Success("tk-hiapi-LISTENER1", "https://temp.hiapi.ai/a.mp4", 1783131245);

    [Fact]
    public async Task ValidCallback_IsAnswered200_EvenWithNobodyReadingReceipts_ThenBecomesAReceipt()
    {
        await using var endpoint = CallbackEndpoint.Create();

        using var response = await endpoint.PostAsync(ValidBody);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"ok":true}""", await response.Content.ReadAsStringAsync());
        var receipt = await endpoint.NextReceiptAsync();
        Assert.Null(receipt.Problem);
        Assert.Equal("tk-hiapi-LISTENER1", receipt.Task!.TaskId);
        Assert.Equal(HiApiTaskStatus.Success, receipt.Task.Status);
        Assert.Equal("127.0.0.1", receipt.RemoteAddress);
    }

    [Fact]
    public async Task MalformedBody_IsAnswered400_AndLoggedAsAProblem()
    {
        await using var endpoint = CallbackEndpoint.Create();

        using var response = await endpoint.PostAsync("""{"code":200,"data":{"status":"success"}}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(answer.RootElement.GetProperty("ok").GetBoolean());
        Assert.Contains("the task has no taskId", answer.RootElement.GetProperty("error").GetString());
        var receipt = await endpoint.NextReceiptAsync();
        Assert.Null(receipt.Task);
        Assert.Contains("the task has no taskId", receipt.Problem);
        Assert.Contains("""{"code":200,"data":{"status":"success"}}""", receipt.Problem);
    }

    [Fact]
    public async Task BodyOverTheLimit_IsAnswered413()
    {
        await using var endpoint = CallbackEndpoint.Create(maxBodyBytes: 1024);
        var padded = ValidBody.Insert(1, $"\"padding\":\"{new string('p', 3000)}\",");

        using var response = await endpoint.PostAsync(padded);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var receipt = await endpoint.NextReceiptAsync();
        Assert.Null(receipt.Task);
        Assert.Contains("larger than 1024 bytes", receipt.Problem);
    }

    [Fact]
    public async Task ChunkedBodyOverTheLimit_IsAnswered413_WithoutADeclaredLength()
    {
        await using var endpoint = CallbackEndpoint.Create(maxBodyBytes: 1024);
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(new string(' ', 4000) + ValidBody)));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url) { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await endpoint.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("larger than 1024 bytes", (await endpoint.NextReceiptAsync()).Problem);
    }

    [Fact]
    public async Task BodyAtTheLimit_IsAccepted()
    {
        var exact = Encoding.UTF8.GetByteCount(ValidBody);
        await using var endpoint = CallbackEndpoint.Create(maxBodyBytes: exact);

        using var response = await endpoint.PostAsync(ValidBody);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("tk-hiapi-LISTENER1", (await endpoint.NextReceiptAsync()).Task!.TaskId);
    }

    [Fact]
    public async Task Get_IsAnswered405_NamingPost()
    {
        await using var endpoint = CallbackEndpoint.Create();

        using var response = await endpoint.Http.GetAsync(endpoint.Url);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("POST", response.Content.Headers.Allow);
        Assert.Contains("405", (await endpoint.NextReceiptAsync()).Problem);
    }

    [Fact]
    public async Task AFloodOfBadRequests_DoesNotStopTheListener()
    {
        await using var endpoint = CallbackEndpoint.Create(maxBodyBytes: 2048);
        var bad = Enumerable.Range(0, 150).Select(async i =>
        {
            try
            {
                using var response = (i % 3) switch
                {
                    0 => await endpoint.PostAsync("garbage " + i),
                    1 => await endpoint.Http.GetAsync(endpoint.Url),
                    _ => await endpoint.PostAsync(new string('x', 5000)),
                };
                return (int)response.StatusCode;
            }
            catch (HttpRequestException)
            {
                return 0; // a cut connection is an acceptable answer to junk; the listener's health is what is tested
            }
        });

        var statuses = await Task.WhenAll(bad).WaitAsync(TimeSpan.FromSeconds(60));
        using var good = await endpoint.PostAsync(ValidBody);

        Assert.All(statuses, status => Assert.Contains(status, new[] { 0, 400, 405, 413 }));
        // 150 at once from one address is more than its share of places: some junk may be cut (0) to make room, never
        // answered with anything but a refusal; what matters is that the genuine callback afterwards gets in.
        Assert.InRange(statuses.Count(status => status == 400), 1, 50);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        CallbackReceipt receipt;
        do
        {
            receipt = await endpoint.NextReceiptAsync();
        }
        while (receipt.Task is null);

        Assert.Equal("tk-hiapi-LISTENER1", receipt.Task.TaskId);
    }

    [Fact]
    public async Task ConcurrentValidCallbacks_AreAllAnsweredAndReceived()
    {
        await using var endpoint = CallbackEndpoint.Create();
        var ids = Enumerable.Range(0, 40).Select(i => $"tk-hiapi-C{i:D3}").ToArray();

        var statuses = await Task.WhenAll(ids.Select(async id =>
        {
            using var response = await endpoint.PostAsync(ApiJson.Success(id, $"https://temp.hiapi.ai/{id}.mp4", 1783131245));
            return response.StatusCode;
        }));

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        var received = new List<string>();
        for (var i = 0; i < ids.Length; i++)
        {
            received.Add((await endpoint.NextReceiptAsync()).Task!.TaskId);
        }

        Assert.Equal(ids.OrderBy(id => id), received.OrderBy(id => id));
    }

    [Fact]
    public async Task ASenderTricklingItsBody_IsAnswered408AndCutOff_AndOthersAreStillServed()
    {
        await using var endpoint = CallbackEndpoint.Create(bodyReadTimeout: TimeSpan.FromSeconds(1));
        using var slow = await endpoint.ConnectAsync();
        var stream = slow.GetStream();
        var head = $"POST {endpoint.Url.AbsolutePath} HTTP/1.1\r\nHost: 127.0.0.1:{endpoint.Url.Port}\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{{\"taskId\":";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));

        var cut = await endpoint.NextReceiptAsync();
        using var good = await endpoint.PostAsync(ValidBody);

        Assert.Null(cut.Task);
        Assert.Contains("did not arrive within 1 s", cut.Problem);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Equal("tk-hiapi-LISTENER1", (await endpoint.NextReceiptAsync()).Task!.TaskId);
        using var readLimit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var answer = await RawHttp.ReadUntilClosedAsync(stream, readLimit.Token);
        Assert.StartsWith("HTTP/1.1 408", answer);
        Assert.Contains("did not arrive within 1 s", answer);
    }

    [Fact]
    public async Task PortInUse_IsAConfigurationError()
    {
        var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        try
        {
            var port = ((IPEndPoint)busy.LocalEndpoint).Port;
            await using var listener = new CallbackListener(new CallbackListenerOptions { Prefixes = new[] { $"http://127.0.0.1:{port}/hooks/" } });

            var error = Assert.Throws<HiApiException>(listener.Start);

            Assert.Equal(HiApiErrorKind.Configuration, error.Kind);
            Assert.Contains($"http://127.0.0.1:{port}/hooks/", error.Message);
            Assert.False(listener.IsListening);
        }
        finally
        {
            busy.Stop();
        }
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/hooks")]
    [InlineData("ftp://127.0.0.1:8080/hooks/")]
    [InlineData("not a prefix")]
    public void InvalidPrefix_IsAConfigurationError(string prefix)
    {
        var error = Assert.Throws<HiApiException>(() => new CallbackListener(new CallbackListenerOptions { Prefixes = new[] { prefix } }));

        Assert.Equal(HiApiErrorKind.Configuration, error.Kind);
        Assert.Contains(prefix, error.Message);
    }

    [Fact]
    public void NoPrefix_IsAConfigurationError()
    {
        var error = Assert.Throws<HiApiException>(() => new CallbackListener(new CallbackListenerOptions()));

        Assert.Equal(HiApiErrorKind.Configuration, error.Kind);
    }

    [Fact]
    public async Task Dispose_CompletesTheReceipts_AndStopsListening()
    {
        var endpoint = CallbackEndpoint.Create();
        Assert.True(endpoint.Listener.IsListening);

        await endpoint.DisposeAsync();

        Assert.False(endpoint.Listener.IsListening);
        Assert.False(await endpoint.Listener.Receipts.WaitToReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        using var probe = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        await Assert.ThrowsAsync<HttpRequestException>(() => probe.PostAsync(endpoint.Url, new StringContent(ValidBody)));
    }
}
