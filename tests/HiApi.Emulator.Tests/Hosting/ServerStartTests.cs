using System.Net;
using HiApi.Emulator.Tests.Support;

namespace HiApi.Emulator.Tests.Hosting;

public sealed class ServerStartTests
{
    [Theory]
    [InlineData("http://0.0.0.0:0")]
    [InlineData("http://[::]:0")]
    [InlineData("http://+:0")]
    [InlineData("http://*:0")]
    [InlineData("http://192.168.1.10:0")]
    [InlineData("http://127.0.0.1:0;http://0.0.0.0:0")]
    public async Task Refuses_to_bind_anything_but_loopback(string url)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => EmulatorServer.StartAsync(url: url));

        Assert.Contains("loopback", error.Message);
    }

    [Fact]
    public async Task Refuses_invalid_options_without_naming_keys()
    {
        var options = new EmulatorOptions { HandlingMs = -5, ApiKeys = [new() { Key = "sk-a" }, new() { Key = "sk-a" }] };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => EmulatorServer.StartAsync(options));

        Assert.Contains("HandlingMs", error.Message);
        Assert.Contains("ApiKeys[1]", error.Message);
        Assert.DoesNotContain("sk-a", error.Message);
    }

    [Fact]
    public async Task Starts_on_a_free_loopback_port_and_stops()
    {
        var server = await EmulatorServer.StartAsync();
        var address = server.BaseAddress;
        using var client = new EmulatorClient(server);

        var before = await client.CreateTextTaskAsync();
        await server.StopAsync();
        await server.StopAsync();   // idempotent

        Assert.Equal(HttpStatusCode.OK, before.Status);
        Assert.Equal("127.0.0.1", address.Host);
        Assert.NotEqual(0, address.Port);
        Assert.EndsWith("/", address.AbsoluteUri);
        await Assert.ThrowsAsync<HttpRequestException>(() => client.CreateTextTaskAsync());
    }

    [Fact]
    public async Task Localhost_with_port_zero_binds_a_free_loopback_port()
    {
        await using var server = await EmulatorServer.StartAsync(FastOptions.Create(), "http://localhost:0");
        using var client = new EmulatorClient(server);

        var response = await client.CreateTextTaskAsync();

        Assert.Equal("127.0.0.1", server.BaseAddress.Host);
        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Fact]
    public async Task Default_options_document_the_three_keys()
    {
        var options = new EmulatorOptions();

        Assert.Equal(["sk-test-emulator", "sk-test-text-only", "sk-test-low-balance"], options.ApiKeys.Select(k => k.Key));
        Assert.Null(options.ApiKeys[0].AllowedModels);
        Assert.Null(options.ApiKeys[0].Balance);
        Assert.Equal(["happyhorse-1.1/text-to-video"], options.ApiKeys[1].AllowedModels!);
        Assert.Equal(0.05m, options.ApiKeys[2].Balance);
        Assert.Equal(0.01m, options.PricePerSecond);
        await Task.CompletedTask;
    }
}
