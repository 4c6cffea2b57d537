using System.Security.Cryptography;
using System.Text;
using HiApi.Emulator.Tests.Support;

namespace HiApi.Emulator.Tests.Callbacks;

/// <summary>
/// Contract, "Beyond the seeds": with a webhook signing key, every callback carries <c>X-HiAPI-Timestamp</c> and
/// <c>X-HiAPI-Signature</c> = lowercase hex HMAC-SHA256(key, timestamp + "." + raw body). Checked here with an
/// independent HMAC over the bytes the receiver got.
/// </summary>
public sealed class SignedCallbackTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    private static string ExpectedSignature(string key, string timestamp, byte[] rawBody) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key),
            Encoding.UTF8.GetBytes(timestamp + ".").Concat(rawBody).ToArray()));

    private static async Task<(EmulatorServer Server, ManualClock Clock)> StartAsync(Action<EmulatorOptions> configure)
    {
        var clock = new ManualClock(Start);
        var options = FastOptions.Create(100, 100, 100);
        configure(options);
        return (await EmulatorServer.StartAsync(options, "http://127.0.0.1:0", clock), clock);
    }

    private static async Task<IReadOnlyList<ReceivedCallback>> DeliverOneTaskAsync(
        EmulatorServer server, ManualClock clock, CallbackReceiver receiver, int expected = 1)
    {
        using var client = new EmulatorClient(server);
        await client.CreateTextTaskAsync(callbackUrl: receiver.Url);
        clock.AdvanceMs(10_000);   // finished long ago: delivered (and stamped) at Start + 10 s
        await Poll.UntilAsync(() => receiver.Received.Count >= expected && server.PendingCallbacks == 0, "the callbacks");
        return receiver.Received;
    }

    [Fact]
    public async Task Every_delivery_is_signed_over_the_raw_bytes_received()
    {
        const string key = "whsec-tëst-ключ";
        await using var receiver = await CallbackReceiver.StartAsync();
        var (server, clock) = await StartAsync(options =>
        {
            options.WebhookSigningKey = key;
            options.CallbackDeliveries = 2;
        });
        await using var _ = server;

        var received = await DeliverOneTaskAsync(server, clock, receiver, expected: 2);

        Assert.Equal(2, received.Count);
        foreach (var callback in received)
        {
            Assert.Equal("1800000010", callback.Timestamp);
            Assert.Matches("^[0-9a-f]{64}$", callback.Signature!);
            Assert.Equal(ExpectedSignature(key, callback.Timestamp!, callback.Body), callback.Signature);
        }
        var delivery = server.CallbackDeliveries[0];
        Assert.Equal(received[0].Signature, delivery.Signature);
        Assert.Equal("1800000010", delivery.SignatureTimestamp);
    }

    [Fact]
    public async Task The_signature_covers_every_byte_and_the_timestamp()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        var (server, clock) = await StartAsync(options => options.WebhookSigningKey = "k");
        await using var _ = server;

        var callback = (await DeliverOneTaskAsync(server, clock, receiver)).Single();
        var tampered = callback.Body.ToArray();
        tampered[^2] ^= 1;
        var reserialized = Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(
            System.Text.Json.JsonDocument.Parse(callback.Body).RootElement,
            new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));

        Assert.Equal(ExpectedSignature("k", callback.Timestamp!, callback.Body), callback.Signature);
        Assert.NotEqual(ExpectedSignature("k", callback.Timestamp!, tampered), callback.Signature);
        Assert.NotEqual(ExpectedSignature("k", "1800000011", callback.Body), callback.Signature);
        Assert.NotEqual(ExpectedSignature("k", callback.Timestamp!, reserialized), callback.Signature);
    }

    [Fact]
    public async Task The_skew_shifts_the_signed_timestamp()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        var (server, clock) = await StartAsync(options =>
        {
            options.WebhookSigningKey = "k";
            options.WebhookTimestampSkewSeconds = -600;
            options.CallbackWrapped = false;
        });
        await using var _ = server;

        var callback = (await DeliverOneTaskAsync(server, clock, receiver)).Single();

        Assert.Equal("1799999410", callback.Timestamp);
        Assert.Equal(ExpectedSignature("k", "1799999410", callback.Body), callback.Signature);
    }

    [Fact]
    public async Task Without_a_key_callbacks_stay_unsigned()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        var (server, clock) = await StartAsync(_ => { });
        await using var _ = server;

        var callback = (await DeliverOneTaskAsync(server, clock, receiver)).Single();

        Assert.Null(callback.Timestamp);
        Assert.Null(callback.Signature);
        Assert.Null(server.CallbackDeliveries.Single().Signature);
    }

    [Fact]
    public async Task The_key_can_be_set_and_removed_through_config()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        var (server, clock) = await StartAsync(_ => { });
        await using var _ = server;
        using var client = new EmulatorClient(server);
        using var put = await client.Http.PutAsync("_emulator/config", new StringContent(
            """{"webhookSigningKey":"from-config","webhookTimestampSkewSeconds":5}""", Encoding.UTF8, "application/json"));

        var signed = (await DeliverOneTaskAsync(server, clock, receiver)).Single();
        using var off = await client.Http.PutAsync("_emulator/config",
            new StringContent("""{"webhookSigningKey":""}""", Encoding.UTF8, "application/json"));

        Assert.Equal(System.Net.HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("1800000015", signed.Timestamp);
        Assert.Equal(ExpectedSignature("from-config", "1800000015", signed.Body), signed.Signature);
        Assert.Null(server.Options.WebhookSigningKey);
    }
}
