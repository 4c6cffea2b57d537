using System.Text.Json;
using HiApi.Client;
using HiApi.Contract.Tests.Support;

namespace HiApi.Contract.Tests.Contract;

/// <summary>
/// The final task is POSTed to callback.url once, wrapped in the envelope with the same data GET answers; with a
/// webhook signing key it is signed so that the module's own receiver verifies it, without one it is unsigned.
/// </summary>
public sealed class CallbackContractTests : ContractTest
{
    private const string Secret = "whsec-contract-test";

    [Theory]
    [MemberData(nameof(ContractServer.Names), MemberType = typeof(ContractServer))]
    public async Task The_final_task_is_posted_once_wrapped_with_the_data_GET_returns(string serverName)
    {
        await using var receiver = await Receiver.StartAsync(secret: null);
        var (server, api) = await StartAsync(serverName);

        var created = await api.CreateAsync(ApiCalls.TextBody(callbackUrl: receiver.Url));
        var receipt = await receiver.NextAsync();
        var read = await api.GetAsync($"v1/tasks/{created.TaskId}");
        // The server logs a delivery once the receiver's answer is in, a moment after the receiver has the task.
        await Eventually.TrueAsync(() => server.Callbacks.Count > 0, "the server logged its delivery");

        Assert.Equal(created.TaskId, receipt.Task!.TaskId);
        Assert.Equal(HiApiTaskStatus.Success, receipt.Task.Status);
        Assert.Equal(CallbackSignatureCheck.NotChecked, receipt.Signature);
        var sent = Assert.Single(server.Callbacks);
        Assert.False(sent.Signed);
        Assert.Equal(200, sent.StatusCode);
        var body = JsonDocument.Parse(sent.Body).RootElement;
        Assert.Equal(["code", "data", "message"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(read.Data.GetRawText(), body.GetProperty("data").GetRawText());
    }

    [Theory]
    [MemberData(nameof(ContractServer.Names), MemberType = typeof(ContractServer))]
    public async Task With_a_signing_key_the_callback_is_signed_so_the_modules_receiver_verifies_it(string serverName)
    {
        await using var receiver = await Receiver.StartAsync(new WebhookSecret(Secret));
        var (server, api) = await StartAsync(serverName, new ContractSettings { WebhookSecret = Secret, CallbackWrapped = false });

        var created = await api.CreateAsync(ApiCalls.TextBody("a dragon [[fail]]", callbackUrl: receiver.Url));
        var receipt = await receiver.NextAsync();
        await Eventually.TrueAsync(() => server.Callbacks.Count > 0, "the server logged its delivery");

        Assert.Null(receipt.Problem);
        Assert.Equal(CallbackSignatureCheck.Valid, receipt.Signature);
        Assert.Equal(created.TaskId, receipt.Task!.TaskId);
        Assert.Equal(HiApiTaskStatus.Fail, receipt.Task.Status);
        var sent = Assert.Single(server.Callbacks);
        Assert.True(sent.Signed);
        Assert.Equal("taskId", JsonDocument.Parse(sent.Body).RootElement.EnumerateObject().First().Name);
    }

    /// <summary>The module's own callback listener on a free loopback port.</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly CallbackListener _listener;

        private Receiver(CallbackListener listener, string url)
        {
            _listener = listener;
            Url = url;
        }

        public string Url { get; }

        public static Task<Receiver> StartAsync(WebhookSecret? secret)
        {
            var port = FreePort();
            var prefix = $"http://127.0.0.1:{port}/hooks/";
            var listener = new CallbackListener(new CallbackListenerOptions { Prefixes = [prefix], WebhookSecret = secret });
            listener.Start();
            return Task.FromResult(new Receiver(listener, prefix));
        }

        public async Task<CallbackReceipt> NextAsync() =>
            await _listener.Receipts.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        public ValueTask DisposeAsync() => _listener.DisposeAsync();

        private static int FreePort()
        {
            using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            probe.Start();
            return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }
    }
}
