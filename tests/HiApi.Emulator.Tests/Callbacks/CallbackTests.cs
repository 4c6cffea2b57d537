using System.Text.Json;
using HiApi.Emulator.Tests.Support;

namespace HiApi.Emulator.Tests.Callbacks;

/// <summary>
/// Seed 000: "hiapi will POST the finished task body to your URL"; "If you receive the same callback twice — and you
/// will, eventually". Seed 003: the same task object you would have polled.
/// </summary>
public sealed class CallbackTests
{
    private static async Task WaitForAllDeliveriesAsync(EmulatorServer server) =>
        await Poll.UntilAsync(() => server.PendingCallbacks == 0, "callback deliveries to finish");

    [Fact]
    public async Task The_final_task_is_posted_exactly_once_wrapped_in_the_envelope()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var server = await EmulatorServer.StartAsync(FastOptions.Create());
        using var client = new EmulatorClient(server);

        var created = await client.CreateTextTaskAsync(callbackUrl: receiver.Url);
        var polled = await client.WaitForTerminalAsync(created.TaskId);
        await Poll.UntilAsync(() => receiver.Bodies.Count >= 1, "the callback");
        await WaitForAllDeliveriesAsync(server);

        var body = Assert.Single(receiver.Bodies);
        using var document = JsonDocument.Parse(body);
        Assert.Equal(200, document.RootElement.GetProperty("code").GetInt32());
        Assert.Equal("success", document.RootElement.GetProperty("message").GetString());
        // The seed's receiver does body.get("data", body): the data is exactly what GET returns.
        Assert.Equal(polled.Json.GetProperty("data").GetRawText(), document.RootElement.GetProperty("data").GetRawText());
        Assert.Equal(JsonValueKind.Number, document.RootElement.GetProperty("data").GetProperty("created").ValueKind);

        var delivery = Assert.Single(server.CallbackDeliveries);
        Assert.Equal(created.TaskId, delivery.TaskId);
        Assert.Equal(receiver.Url, delivery.Url);
        Assert.Equal(1, delivery.Attempt);
        Assert.Equal(200, delivery.StatusCode);
        Assert.Null(delivery.Error);
        Assert.Equal(body, delivery.Body);
    }

    [Fact]
    public async Task Two_deliveries_when_configured_carry_the_same_task()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        var options = FastOptions.Create();
        options.CallbackDeliveries = 2;
        await using var server = await EmulatorServer.StartAsync(options);
        using var client = new EmulatorClient(server);

        var created = await client.CreateTextTaskAsync(callbackUrl: receiver.Url);
        await Poll.UntilAsync(() => receiver.Bodies.Count >= 2, "two callbacks");
        await WaitForAllDeliveriesAsync(server);

        Assert.Equal(2, receiver.Bodies.Count);
        Assert.Equal(receiver.Bodies[0], receiver.Bodies[1]);
        Assert.Equal([1, 2], server.CallbackDeliveries.Select(d => d.Attempt).Order());
        Assert.All(server.CallbackDeliveries, d => Assert.Equal(created.TaskId, d.TaskId));
    }

    [Fact]
    public async Task Bare_callbacks_carry_the_task_object_itself()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        var options = FastOptions.Create();
        options.CallbackWrapped = false;
        await using var server = await EmulatorServer.StartAsync(options);
        using var client = new EmulatorClient(server);

        var created = await client.CreateTextTaskAsync(callbackUrl: receiver.Url);
        await Poll.UntilAsync(() => receiver.Bodies.Count >= 1, "the callback");

        using var document = JsonDocument.Parse(receiver.Bodies[0]);
        Assert.False(document.RootElement.TryGetProperty("data", out _));
        Assert.Equal(created.TaskId, document.RootElement.GetProperty("taskId").GetString());
        Assert.Equal("success", document.RootElement.GetProperty("status").GetString());
        Assert.Equal(1, document.RootElement.GetProperty("output").GetArrayLength());
    }

    [Fact]
    public async Task A_failed_task_is_called_back_with_its_error()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var server = await EmulatorServer.StartAsync(FastOptions.Create());
        using var client = new EmulatorClient(server);

        await client.CreateTextTaskAsync(prompt: "[[fail:timeout]]", callbackUrl: receiver.Url);
        await Poll.UntilAsync(() => receiver.Bodies.Count >= 1, "the callback");

        using var document = JsonDocument.Parse(receiver.Bodies[0]);
        var data = document.RootElement.GetProperty("data");
        Assert.Equal("fail", data.GetProperty("status").GetString());
        Assert.Equal("timeout", data.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Receiver_errors_are_logged_and_not_retried()
    {
        await using var receiver = await CallbackReceiver.StartAsync(answerStatus: 500);
        await using var server = await EmulatorServer.StartAsync(FastOptions.Create());
        using var client = new EmulatorClient(server);

        await client.CreateTextTaskAsync(callbackUrl: receiver.Url);
        await Poll.UntilAsync(() => server.CallbackDeliveries.Count >= 1, "the delivery");
        await WaitForAllDeliveriesAsync(server);

        Assert.Equal(500, Assert.Single(server.CallbackDeliveries).StatusCode);
        Assert.Single(receiver.Bodies);
    }

    [Fact]
    public async Task An_unreachable_receiver_is_logged_with_the_error()
    {
        string deadUrl;
        await using (var closed = await CallbackReceiver.StartAsync())
        {
            deadUrl = closed.Url;
        }
        await using var server = await EmulatorServer.StartAsync(FastOptions.Create());
        using var client = new EmulatorClient(server);

        await client.CreateTextTaskAsync(callbackUrl: deadUrl);
        await Poll.UntilAsync(() => server.CallbackDeliveries.Count >= 1, "the delivery attempt");

        var delivery = Assert.Single(server.CallbackDeliveries);
        Assert.Null(delivery.StatusCode);
        Assert.False(string.IsNullOrEmpty(delivery.Error));
    }

    [Fact]
    public async Task No_callback_is_sent_for_a_task_without_one_and_stop_ends_pending_ones()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        var server = await EmulatorServer.StartAsync(FastOptions.Create(60_000, 60_000, 60_000));
        using var client = new EmulatorClient(server);

        await client.CreateTextTaskAsync();
        await client.CreateTextTaskAsync(callbackUrl: receiver.Url);
        Assert.Equal(1, server.PendingCallbacks);

        await server.StopAsync();

        Assert.Equal(0, server.PendingCallbacks);
        Assert.Empty(server.CallbackDeliveries);
        Assert.Empty(receiver.Bodies);
    }
}
