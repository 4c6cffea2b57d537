using System.Net;
using System.Text;
using System.Text.Json;
using HiApi.Emulator.Hosting;
using HiApi.Emulator.Tests.Support;

namespace HiApi.Emulator.Tests.Pricing;

/// <summary>
/// <c>GET /api/pricing</c>: HiAPI's public price list (contract, "More facts"), keyless, in the row format HiAPI's own
/// tools read; its default rows agree with what a create reserves, 1080p included; and it can be made malformed or down.
/// </summary>
public sealed class PricingEndpointTests : EmulatorTestBase
{
    private const string DefaultRow = """{"factors":["duration"],"base_usd_value":0.01,"base_display_unit":{"en":"per second"},"policies":[{"name":"1080P","rule":{"resolution":{"match":"1080p"}},"pricing_type":"multiply","times":1.5}]}""";

    private Task<ApiResponse> GetPricingAsync(string? key = null) => Client.SendAsync(HttpMethod.Get, "api/pricing", key, null);

    private async Task<HttpResponseMessage> PutConfigAsync(string json) =>
        await Client.Http.PutAsync("_emulator/config", new StringContent(json, Encoding.UTF8, "application/json"));

    [Fact]
    public async Task The_default_rows_price_both_models_per_second_with_1080p_dearer_and_need_no_key()
    {
        var answer = await GetPricingAsync();

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.StartsWith("application/json", answer.ContentType);
        var expected = $$"""
            {"code":200,"data":[{"model_name":"{{Models.TextToVideo}}",{{DefaultRow[1..]}},{"model_name":"{{Models.ImageToVideo}}",{{DefaultRow[1..]}}],"message":"success"}
            """;
        Assert.Equal(expected, answer.Body);
        var logged = Assert.Single(Server.Requests);
        Assert.Equal(("GET", "/api/pricing", "pricing", false, 200), (logged.Method, logged.Path, logged.Kind, logged.HasAuthorization, logged.StatusCode));
    }

    [Fact]
    public async Task A_key_sent_anyway_is_not_needed_but_the_log_shows_it_was_sent()
    {
        var answer = await GetPricingAsync(TestKeys.AllModels);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.True(Assert.Single(Server.Requests).HasAuthorization);
    }

    [Fact]
    public async Task The_default_rows_follow_the_live_price_and_1080p_factor()
    {
        Server.Options.PricePerSecond = 0.02m;
        Server.Options.PriceFactor1080p = 2m;

        var row = (await GetPricingAsync()).Json.GetProperty("data")[0];

        Assert.Equal(0.02m, row.GetProperty("base_usd_value").GetDecimal());
        Assert.Equal(2m, row.GetProperty("policies")[0].GetProperty("times").GetDecimal());
    }

    [Theory]
    [InlineData(3, "720p", "0.03")]
    [InlineData(3, null, "0.03")]
    [InlineData(3, "1080p", "0.045")]
    [InlineData(5, "1080p", "0.075")]
    public async Task A_create_reserves_what_the_default_rows_say(int duration, string? resolution, string rowsSay)
    {
        Server.Options.HandlingMs = 60_000;   // the task stays running: its cost stays reserved
        const string Key = "sk-test-with-balance";
        using var keys = await Client.Http.PutAsync("_emulator/keys", new StringContent($$"""[{"key":"{{Key}}","balance":10}]""", Encoding.UTF8, "application/json"));
        var input = resolution is null ? $$"""{"prompt":"p","duration":{{duration}}}""" : $$"""{"prompt":"p","duration":{{duration}},"resolution":"{{resolution}}"}""";

        var created = await Client.CreateAsync($$"""{"model":"{{Models.TextToVideo}}","input":{{input}}}""", Key);
        using var balance = await Client.Http.GetAsync($"_emulator/balance/{Key}");
        var reserved = JsonDocument.Parse(await balance.Content.ReadAsStringAsync()).RootElement.GetProperty("reserved").GetDecimal();

        var row = (await GetPricingAsync()).Json.GetProperty("data")[0];
        var times = resolution == row.GetProperty("policies")[0].GetProperty("rule").GetProperty("resolution").GetProperty("match").GetString()
            ? row.GetProperty("policies")[0].GetProperty("times").GetDecimal()
            : 1m;

        Assert.Equal(HttpStatusCode.OK, created.Status);
        Assert.Equal(decimal.Parse(rowsSay, System.Globalization.CultureInfo.InvariantCulture), reserved);
        Assert.Equal(row.GetProperty("base_usd_value").GetDecimal() * times * duration, reserved);
    }

    [Fact]
    public async Task A_1080p_second_is_billed_at_one_and_a_half_times_the_price()
    {
        // 0.05 of balance: 3 s at 1080p (0.045) fits once; at 720p it would fit (0.03) but not twice.
        const string Body = $$$"""{"model":"{{{Models.TextToVideo}}}","input":{"prompt":"p","duration":3,"resolution":"1080p"}}""";
        var fits = await Client.CreateAsync(Body, TestKeys.LowBalance);
        var final = await Client.WaitForTerminalAsync(fits.TaskId, TestKeys.LowBalance);
        var again = await Client.CreateAsync(Body, TestKeys.LowBalance);

        Assert.Equal("success", final.TaskStatus);
        Assert.Equal(0.005m, Server.GetBalance(TestKeys.LowBalance));
        Assert.Equal(HttpStatusCode.PaymentRequired, again.Status);
        Assert.Equal("insufficient balance: estimated cost 0.045 exceeds available balance 0.005", again.Message);
    }

    [Theory]
    [InlineData("""{"data":[{"model_name":"happyhorse-1.1/text-to-video","factors":["frames"],"base_usd_value":0.01}]}""")]
    [InlineData("""[{"model_name":"happyhorse-1.1/text-to-video","factors":["duration"],"model_price":0.01}]""")]
    [InlineData("<html>not a price list</html>")]
    public async Task A_configured_body_is_served_verbatim(string body)
    {
        Server.Options.PricingBody = body;

        var answer = await GetPricingAsync();

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(body, answer.Body);
    }

    [Theory]
    [InlineData(503, """{"code":503,"data":null,"error_code":"SERVICE_UNAVAILABLE","message":"pricing is temporarily unavailable"}""")]
    [InlineData(500, """{"code":500,"data":null,"error_code":"SERVICE_UNAVAILABLE","message":"pricing is temporarily unavailable"}""")]
    [InlineData(404, """{"code":404,"data":null,"error_code":"PRICING_UNAVAILABLE","message":"pricing is temporarily unavailable"}""")]
    public async Task A_price_list_that_is_down_answers_the_configured_error(int status, string body)
    {
        Server.Options.PricingStatus = status;

        var answer = await GetPricingAsync();

        Assert.Equal((HttpStatusCode)status, answer.Status);
        Assert.Equal(body, answer.Body);
    }

    [Fact]
    public async Task A_502_is_a_proxy_page()
    {
        Server.Options.PricingStatus = 502;

        var answer = await GetPricingAsync();

        Assert.Equal(HttpStatusCode.BadGateway, answer.Status);
        Assert.StartsWith("text/html", answer.ContentType);
        Assert.Contains("502 Bad Gateway", answer.Body);
    }

    [Fact]
    public async Task A_price_list_that_hangs_is_never_answered_and_the_request_is_logged_with_status_0()
    {
        Server.Options.PricingHangs = true;
        using var impatient = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Client.SendAsync(HttpMethod.Get, "api/pricing", null, null, cancellation: impatient.Token));

        await Poll.UntilAsync(() => Task.FromResult(Server.Requests.Any(r => r.Kind == "pricing")), "the hung request to be logged");
        Assert.Equal(0, Server.Requests.Single(r => r.Kind == "pricing").StatusCode);
    }

    [Fact]
    public async Task The_pricing_options_are_set_read_and_switched_off_through_config_and_counted_in_stats()
    {
        using var put = await PutConfigAsync("""{"priceFactor1080p":2,"pricingBody":"[]","pricingStatus":503,"pricingHangs":true}""");
        using var read = await Client.Http.GetAsync("_emulator/config");
        var config = JsonDocument.Parse(await read.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal((2m, "[]", 503, true), (Server.Options.PriceFactor1080p, Server.Options.PricingBody, Server.Options.PricingStatus, Server.Options.PricingHangs));
        Assert.Equal("[]", config.GetProperty("pricingBody").GetString());
        Assert.Equal(503, config.GetProperty("pricingStatus").GetInt32());

        using var off = await PutConfigAsync("""{"pricingBody":"","pricingStatus":0,"pricingHangs":false}""");

        Assert.Equal(HttpStatusCode.OK, off.StatusCode);
        Assert.Null(Server.Options.PricingBody);
        Assert.Null(Server.Options.PricingStatus);
        Assert.False(Server.Options.PricingHangs);
        await GetPricingAsync();
        using var stats = await Client.Http.GetAsync("_emulator/stats");
        Assert.Equal(1, JsonDocument.Parse(await stats.Content.ReadAsStringAsync()).RootElement.GetProperty("requests").GetProperty("pricing").GetInt64());
    }

    [Theory]
    [InlineData("""{"pricingStatus":200}""", "PricingStatus must be null or an error status 400..599")]
    [InlineData("""{"pricingStatus":600}""", "PricingStatus must be null or an error status 400..599")]
    [InlineData("""{"priceFactor1080p":-1}""", "PriceFactor1080p must be > 0")]
    public async Task Bad_pricing_values_are_refused(string json, string problem)
    {
        using var put = await PutConfigAsync(json);

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Contains(problem, await put.Content.ReadAsStringAsync());
        Assert.Null(Server.Options.PricingStatus);
    }

    [Fact]
    public void The_standalone_command_line_binds_the_pricing_options()
    {
        var (options, _) = StandaloneConfiguration.Load(
            ["--Emulator:PriceFactor1080p=1.25", "--Emulator:PricingBody=[{\"model_name\":\"x\"}]", "--Emulator:PricingStatus=503", "--Emulator:PricingHangs=true"]);

        Assert.Empty(OptionsValidator.Problems(options));
        Assert.Equal((1.25m, "[{\"model_name\":\"x\"}]", 503, true), (options.PriceFactor1080p, options.PricingBody, options.PricingStatus, options.PricingHangs));
        Assert.Equal((1.5m, null, null, false), (new EmulatorOptions().PriceFactor1080p, new EmulatorOptions().PricingBody, new EmulatorOptions().PricingStatus, new EmulatorOptions().PricingHangs));
    }
}
