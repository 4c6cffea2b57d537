using HiApi.Emulator;

namespace HiApi.Client.Tests;

/// <summary>
/// The zero-cost connection check against the emulator: one object that says what works, never a POST, a wrong key
/// reported as such, and the parts that need no key checked without one.
/// </summary>
public sealed class ConnectionTesterTests
{
    private static HiApiClientOptions Options(EmulatorHarness emulator, string? key) => new()
    {
        BaseUri = BaseUriResolver.Resolve(emulator.Server.BaseAddress.ToString(), _ => null),
        ApiKey = key is null ? null! : new ApiKey(key),
        RetryPolicy = EmulatorHarness.FastRetries,
        RequestTimeout = TimeSpan.FromSeconds(20),
        RequestGate = new ApiRequestGate(),
    };

    private static Task<ConnectionReport> RunAsync(EmulatorHarness emulator, string? key) =>
        ConnectionTester.RunAsync(Options(emulator, key), new PriceListCache());

    [Fact]
    public async Task Everything_passes_with_a_good_key_and_nothing_is_posted()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var report = await RunAsync(emulator, EmulatorHarness.Key);

        Assert.True(report.Passed);
        Assert.Equal(
            ["API", "Key", "Price list", HiApiModels.TextToVideo, HiApiModels.ImageToVideo],
            report.Checks.Select(c => c.Name));
        Assert.All(report.Checks, c => Assert.Equal(CheckStatus.Passed, c.Status));
        Assert.Equal("$0.01/s; 1080p: $0.015/s", report.Models[0].Detail);
        var requests = await emulator.RecordedAsync(r => true, 2);
        Assert.DoesNotContain(requests, r => r.Method == "POST");
        Assert.Empty(emulator.Server.Tasks);
        Assert.Equal("?page=1&size=1", requests.Single(r => r.Kind == "list").Query);
        Assert.False(requests.Single(r => r.Kind == "pricing").HasAuthorization);
    }

    [Fact]
    public async Task A_wrong_key_is_reported_as_refused_while_the_api_and_prices_pass()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var report = await RunAsync(emulator, "sk-test-not-a-key");

        Assert.False(report.Passed);
        Assert.Equal(CheckStatus.Failed, report.Key.Status);
        Assert.StartsWith("Failed: HiAPI answered 401 Unauthorized (permission_denied)", report.Key.ToString());
        Assert.Equal(CheckStatus.Passed, report.Api.Status);
        Assert.Contains("GET /v1/tasks 401", report.Api.Detail);
        Assert.Equal(CheckStatus.Passed, report.PriceList.Status);
        Assert.DoesNotContain("sk-test-not-a-key", report.ToString());
        Assert.DoesNotContain(await emulator.RecordedAsync(r => true, 2), r => r.Method == "POST");
    }

    [Fact]
    public async Task Without_a_key_the_price_list_is_checked_and_the_key_is_not_checked()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var report = await RunAsync(emulator, key: null);

        Assert.Equal(CheckStatus.NotChecked, report.Key.Status);
        Assert.Equal("Not checked: no key was given (-ApiKey, HIAPI_API_KEY or HIAPI_KEY)", report.Key.ToString());
        Assert.Equal(CheckStatus.Passed, report.Api.Status);
        Assert.Equal(CheckStatus.Passed, report.PriceList.Status);
        Assert.False(report.Passed);
        var request = Assert.Single(await emulator.RecordedAsync(r => true, 1));
        Assert.Equal(("pricing", false), (request.Kind, request.HasAuthorization));
    }

    [Fact]
    public async Task A_price_list_that_is_down_fails_its_check_and_leaves_the_models_unknown()
    {
        await using var emulator = await EmulatorHarness.StartAsync(o => o.PricingStatus = 503);

        var report = await RunAsync(emulator, EmulatorHarness.Key);

        Assert.Equal(CheckStatus.Failed, report.PriceList.Status);
        Assert.StartsWith("Could not read HiAPI's price list: HiAPI answered 503", report.PriceList.Detail);
        Assert.All(report.Models, m => Assert.Equal(CheckStatus.Unknown, m.Status));
        Assert.Equal(CheckStatus.Passed, report.Key.Status);
        Assert.Equal(CheckStatus.Passed, report.Api.Status);
    }

    [Fact]
    public async Task A_malformed_row_fails_its_model_only()
    {
        await using var emulator = await EmulatorHarness.StartAsync(o => o.PricingBody = $$$"""
            [{"model_name":"{{{HiApiModels.TextToVideo}}}","factors":["duration"],"base_usd_value":0.01,"policies":[{"rule":{"resolution":{"min":"1080p"}},"usd_value":0.02}]},
             {"model_name":"{{{HiApiModels.ImageToVideo}}}","factors":["duration"],"base_usd_value":0.01}]
            """);

        var report = await RunAsync(emulator, EmulatorHarness.Key);

        Assert.Equal(CheckStatus.Passed, report.PriceList.Status);
        Assert.Equal("2 rows, 1 not understood (they price nothing)", report.PriceList.Detail);
        Assert.Equal(CheckStatus.Failed, report.Models[0].Status);
        Assert.Contains("uses the operator 'min'", report.Models[0].Detail);
        Assert.Equal((CheckStatus.Passed, "$0.01/s"), (report.Models[1].Status, report.Models[1].Detail));
    }

    [Fact]
    public async Task An_api_that_does_not_answer_fails_and_the_key_stays_unknown()
    {
        int port;
        using (var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }

        var options = new HiApiClientOptions
        {
            BaseUri = new Uri($"http://127.0.0.1:{port}/"),
            ApiKey = new ApiKey(EmulatorHarness.Key),
            RetryPolicy = RetryPolicy.None,
            RequestGate = new ApiRequestGate(),
        };

        var report = await ConnectionTester.RunAsync(options, new PriceListCache());

        Assert.Equal(CheckStatus.Failed, report.Api.Status);
        Assert.StartsWith($"no usable answer from 127.0.0.1: ", report.Api.Detail);
        Assert.Equal(CheckStatus.Unknown, report.Key.Status);
        Assert.Equal(CheckStatus.Failed, report.PriceList.Status);
        Assert.False(report.Passed);
    }

    [Fact]
    public async Task The_list_read_is_kept_for_the_estimates_that_follow()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var cache = new PriceListCache();
        var options = Options(emulator, null);

        await ConnectionTester.RunAsync(options, cache);
        await cache.GetAsync(new PriceListClient(options));

        Assert.Single(await emulator.RecordedAsync("pricing", 1));
    }
}
