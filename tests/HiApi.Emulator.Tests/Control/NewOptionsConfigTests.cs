using System.Net;
using System.Text;
using System.Text.Json;
using HiApi.Emulator.Hosting;
using HiApi.Emulator.Tests.Support;

namespace HiApi.Emulator.Tests.Control;

/// <summary>
/// Every option added for idempotency, errors, the network and the hostile modes is bound from the "Emulator"
/// section, shown and changed by <c>/_emulator/config</c> in camelCase, switched off with 0 or "", and checked.
/// </summary>
public sealed class NewOptionsConfigTests : EmulatorTestBase
{
    private async Task<HttpResponseMessage> PutConfigAsync(string json) =>
        await Client.Http.PutAsync("_emulator/config", new StringContent(json, Encoding.UTF8, "application/json"));

    [Fact]
    public async Task Every_new_option_can_be_set_read_and_switched_off_through_config()
    {
        using var put = await PutConfigAsync("""
            {"idempotencyWindowSeconds":60,"createProcessingMs":5,"modelUnavailableRate":0.25,"latencyMs":0,
             "downloadBytesPerSecond":1000,"hangRate":0.5,"hugeBodyBytes":4096,"echoAuthorizationInErrorPages":true,
             "echoAuthorizationAtOffset":7,"storageServesHtml":true,"storageContentType":"text/plain",
             "storageOmitContentLength":true,"truncateEveryDownloadAtBytes":9,"storageIgnoresRange":true,
             "storageRedirectTo":"/x","webhookSigningKey":"k","webhookTimestampSkewSeconds":-3}
            """);
        using var read = await Client.Http.GetAsync("_emulator/config");
        var config = JsonDocument.Parse(await read.Content.ReadAsStringAsync()).RootElement;
        var options = Server.Options;

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal((60, 5, 0.25, 1000L, 0.5, 4096L), (options.IdempotencyWindowSeconds, options.CreateProcessingMs,
            options.ModelUnavailableRate, options.DownloadBytesPerSecond, options.HangRate, options.HugeBodyBytes));
        Assert.True(options.EchoAuthorizationInErrorPages && options.StorageServesHtml && options.StorageOmitContentLength
            && options.StorageIgnoresRange);
        Assert.Equal((7, "text/plain", 9L, "/x", "k", -3), (options.EchoAuthorizationAtOffset, options.StorageContentType,
            options.TruncateEveryDownloadAtBytes, options.StorageRedirectTo, options.WebhookSigningKey, options.WebhookTimestampSkewSeconds));
        Assert.Equal("/x", config.GetProperty("storageRedirectTo").GetString());
        Assert.Equal(0.5, config.GetProperty("hangRate").GetDouble());

        using var off = await PutConfigAsync("""
            {"downloadBytesPerSecond":0,"hugeBodyBytes":0,"truncateEveryDownloadAtBytes":0,"storageContentType":"",
             "storageRedirectTo":"","webhookSigningKey":"","hangRate":0}
            """);

        Assert.Equal(HttpStatusCode.OK, off.StatusCode);
        Assert.Null(options.DownloadBytesPerSecond);
        Assert.Null(options.HugeBodyBytes);
        Assert.Null(options.TruncateEveryDownloadAtBytes);
        Assert.Null(options.StorageContentType);
        Assert.Null(options.StorageRedirectTo);
        Assert.Null(options.WebhookSigningKey);
        Assert.Equal(0, options.HangRate);
    }

    [Theory]
    [InlineData("""{"hangRate":1.5}""", "HangRate must be between 0 and 1")]
    [InlineData("""{"modelUnavailableRate":-0.1}""", "ModelUnavailableRate must be between 0 and 1")]
    [InlineData("""{"latencyMs":-1}""", "LatencyMs must be >= 0")]
    [InlineData("""{"createProcessingMs":-1}""", "CreateProcessingMs must be >= 0")]
    [InlineData("""{"idempotencyWindowSeconds":-1}""", "IdempotencyWindowSeconds must be >= 0")]
    [InlineData("""{"downloadBytesPerSecond":-1}""", "DownloadBytesPerSecond must be null or >= 0")]
    [InlineData("""{"echoAuthorizationAtOffset":-1}""", "EchoAuthorizationAtOffset must be >= 0")]
    [InlineData("""{"storageContentType":"video/mp4\nX: y"}""", "StorageContentType must be printable ASCII")]
    [InlineData("""{"latencyMs":5,"hangRate":2}""", "HangRate must be between 0 and 1")]
    public async Task Bad_values_are_refused_whole(string json, string problem)
    {
        using var put = await PutConfigAsync(json);

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Contains(problem, await put.Content.ReadAsStringAsync());
        Assert.Equal(0, Server.Options.LatencyMs);
        Assert.Equal(0, Server.Options.HangRate);
    }

    [Fact]
    public void The_standalone_command_line_binds_the_new_options_by_name()
    {
        var (options, _) = StandaloneConfiguration.Load(
        [
            "--Emulator:IdempotencyWindowSeconds=10", "--Emulator:CreateProcessingMs=20", "--Emulator:ModelUnavailableRate=0.1",
            "--Emulator:LatencyMs=30", "--Emulator:DownloadBytesPerSecond=40", "--Emulator:HangRate=0.2",
            "--Emulator:HugeBodyBytes=50", "--Emulator:EchoAuthorizationInErrorPages=true", "--Emulator:EchoAuthorizationAtOffset=60",
            "--Emulator:StorageServesHtml=true", "--Emulator:StorageContentType=text/html", "--Emulator:StorageOmitContentLength=true",
            "--Emulator:TruncateEveryDownloadAtBytes=70", "--Emulator:StorageIgnoresRange=true",
            "--Emulator:StorageRedirectTo=ftp://127.0.0.1/x.mp4", "--Emulator:WebhookSigningKey=whsec",
            "--Emulator:WebhookTimestampSkewSeconds=-400",
        ]);

        Assert.Empty(OptionsValidator.Problems(options));
        Assert.Equal((10, 20, 0.1, 30, 40L, 0.2, 50L), (options.IdempotencyWindowSeconds, options.CreateProcessingMs,
            options.ModelUnavailableRate, options.LatencyMs, options.DownloadBytesPerSecond, options.HangRate, options.HugeBodyBytes));
        Assert.Equal((true, 60, true, "text/html", true, 70L, true), (options.EchoAuthorizationInErrorPages,
            options.EchoAuthorizationAtOffset, options.StorageServesHtml, options.StorageContentType, options.StorageOmitContentLength,
            options.TruncateEveryDownloadAtBytes, options.StorageIgnoresRange));
        Assert.Equal(("ftp://127.0.0.1/x.mp4", "whsec", -400), (options.StorageRedirectTo, options.WebhookSigningKey,
            options.WebhookTimestampSkewSeconds));
    }

    [Fact]
    public void The_defaults_are_off_except_the_documented_ones()
    {
        var options = new EmulatorOptions();

        Assert.Equal(86400, options.IdempotencyWindowSeconds);
        Assert.Equal(190, options.EchoAuthorizationAtOffset);
        Assert.Equal((0, 0.0, 0, 0.0), (options.CreateProcessingMs, options.ModelUnavailableRate, options.LatencyMs, options.HangRate));
        Assert.Null(options.DownloadBytesPerSecond);
        Assert.Null(options.HugeBodyBytes);
        Assert.Null(options.StorageContentType);
        Assert.Null(options.TruncateEveryDownloadAtBytes);
        Assert.Null(options.StorageRedirectTo);
        Assert.Null(options.WebhookSigningKey);
        Assert.False(options.EchoAuthorizationInErrorPages || options.StorageServesHtml || options.StorageOmitContentLength
            || options.StorageIgnoresRange);
        Assert.Equal(0, options.WebhookTimestampSkewSeconds);
    }
}
