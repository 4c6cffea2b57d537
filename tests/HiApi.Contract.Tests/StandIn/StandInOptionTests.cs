using System.Net;
using HiApi.Contract.Tests.Support;
using HiApi.Mock;

namespace HiApi.Contract.Tests.StandIn;

/// <summary>What only the shipped stand-in offers: render time, failing prompts, refusals on demand, the price list, option checks.</summary>
public sealed class StandInOptionTests : IAsyncLifetime
{
    private MockServer _server = null!;
    private ApiCalls _api = null!;

    public Task InitializeAsync()
    {
        _server = MockServer.Start();
        _api = new ApiCalls(new StandInContractServer(_server, owned: false));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task With_the_default_render_time_of_zero_a_task_is_finished_when_first_read()
    {
        var created = await _api.CreateAsync(ApiCalls.TextBody());

        var read = await _api.GetAsync($"v1/tasks/{created.TaskId}");

        Assert.Equal("success", read.Data.GetProperty("status").GetString());
        Assert.Equal(read.Data.GetProperty("created").GetInt64(), read.Data.GetProperty("completed").GetInt64());
    }

    [Fact]
    public async Task A_render_time_set_live_applies_to_tasks_made_after_it()
    {
        var before = await _api.CreateAsync(ApiCalls.TextBody("before"));
        _server.Options.RenderTime = TimeSpan.FromMinutes(10);
        var after = await _api.CreateAsync(ApiCalls.TextBody("after"));

        Assert.Equal("success", (await _api.GetAsync($"v1/tasks/{before.TaskId}")).Data.GetProperty("status").GetString());
        Assert.Equal("queued", (await _api.GetAsync($"v1/tasks/{after.TaskId}")).Data.GetProperty("status").GetString());
        Assert.Equal(["success", "queued"], _server.Tasks.Select(t => t.Status));
    }

    [Theory]
    [InlineData("*dragon*", "A Dragon made of smoke", true)]
    [InlineData("*dragon*", "a drag on the pier", false)]
    [InlineData("scene ?", "scene 7", true)]
    [InlineData("scene ?", "scene 17", false)]
    [InlineData("scene [1-3]", "scene 2", true)]
    [InlineData("scene [1-3]", "scene 4", false)]
    [InlineData("100`% sure", "100% sure", true)]
    [InlineData("a.b", "axb", false)]
    public async Task A_prompt_matching_a_fail_pattern_fails_like_the_fail_marker(string pattern, string prompt, bool fails)
    {
        _server.Options.FailPrompts = [pattern];
        var created = await _api.CreateAsync(ApiCalls.TextBody(prompt));

        var (final, _) = await _api.WaitForTerminalAsync(created.TaskId);

        Assert.Equal(fails ? "fail" : "success", final.Data.GetProperty("status").GetString());
        if (fails)
        {
            Assert.Equal("""{"code":"generation_failed","message":"the model could not generate a video for this prompt"}""",
                final.Data.GetProperty("error").GetRawText());
        }
    }

    [Fact]
    public async Task Refusals_on_demand_answer_the_next_creates_in_order_then_creates_are_served_again()
    {
        _server.RefuseNextCreates(402, 403, 401, 503);

        var answers = new List<ApiAnswer>();
        for (var i = 0; i < 5; i++)
        {
            answers.Add(await _api.CreateAsync(ApiCalls.TextBody(duration: 4), idempotencyKey: "same-row"));
        }

        Assert.Equal(
            [HttpStatusCode.PaymentRequired, HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized, HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK],
            answers.Select(a => a.Status));
        Assert.Equal("""{"code":402,"data":null,"error_code":"INSUFFICIENT_BALANCE","message":"insufficient balance: estimated cost 0.04 exceeds available balance 0"}""", answers[0].Body);
        Assert.Equal("forbidden", answers[1].Json.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("1", answers[3].RetryAfter);
        // Every refusal released the key: the fifth attempt made the one task.
        Assert.False(answers[4].IsReplay);
        Assert.Equal([answers[4].TaskId], _server.Tasks.Select(t => t.TaskId));
        Assert.Equal(0, _server.PendingRefusals);
    }

    [Fact]
    public async Task A_refusal_waits_for_a_create_that_passes_validation()
    {
        _server.RefuseNextCreates(429);

        var invalid = await _api.CreateAsync(ApiCalls.TextBody(duration: 99));
        var limited = await _api.CreateAsync(ApiCalls.TextBody());

        Assert.Equal(HttpStatusCode.BadRequest, invalid.Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.Status);
    }

    [Fact]
    public void A_status_no_create_is_refused_with_is_an_argument_error_naming_the_choices()
    {
        var error = Assert.Throws<ArgumentException>(() => _server.RefuseNextCreates(402, 418));

        Assert.StartsWith("A create can be refused with 401, 402, 403, 429, 500, 503; not with 418.", error.Message);
        Assert.Equal(0, _server.PendingRefusals);
    }

    [Fact]
    public async Task The_price_list_needs_no_key_and_prices_both_models_per_second()
    {
        _server.Options.PricePerSecond = 0.02m;

        var prices = await _api.GetAsync("api/pricing", key: null);

        Assert.Equal(HttpStatusCode.OK, prices.Status);
        // The team's emulator's default rows, in HiAPI's format: a base price per second and 1080p dearer.
        const string Row = ""","factors":["duration"],"base_usd_value":0.02,"base_display_unit":{"en":"per second"},"policies":[{"name":"1080P","rule":{"resolution":{"match":"1080p"}},"pricing_type":"multiply","times":1.5}]""";
        Assert.Equal(
            "{\"code\":200,\"data\":[{\"model_name\":\"happyhorse-1.1/text-to-video\"" + Row + "},{\"model_name\":\"happyhorse-1.1/image-to-video\"" + Row + "}],\"message\":\"success\"}",
            prices.Body);
    }

    [Theory]
    [InlineData("""[{"model_name":"happyhorse-1.1/text-to-video","factors":["seconds"],"base_usd_value":0.1}]""")]
    [InlineData("""<html>not a price list</html>""")]
    public async Task A_configured_price_list_is_served_as_given_even_one_the_module_cannot_read(string body)
    {
        _server.Options.PriceList = body;

        var prices = await _api.GetAsync("api/pricing", key: null);

        Assert.Equal(body, prices.Body);
    }

    [Fact]
    public async Task A_budget_is_billed_like_the_emulator_reserved_then_charged_on_success()
    {
        _server.Options.Balance = 0.1m;

        var first = await _api.CreateAsync(ApiCalls.TextBody(duration: 5));
        var second = await _api.CreateAsync(ApiCalls.TextBody(duration: 5));
        var third = await _api.CreateAsync(ApiCalls.TextBody(duration: 3));

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal("insufficient balance: estimated cost 0.03 exceeds available balance 0", third.Json.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_1080p_second_costs_the_1080p_factor_times_the_price_as_the_price_list_says()
    {
        _server.Options.Balance = 0.1m;

        var tooDear = await _api.CreateAsync("""{"model":"happyhorse-1.1/text-to-video","input":{"prompt":"p","resolution":"1080p","duration":7}}""");
        var fits = await _api.CreateAsync("""{"model":"happyhorse-1.1/text-to-video","input":{"prompt":"p","resolution":"720p","duration":7}}""");

        Assert.Equal("insufficient balance: estimated cost 0.105 exceeds available balance 0.1", tooDear.Json.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.OK, fits.Status);
    }

    [Theory]
    [InlineData(nameof(MockOptions.RenderTime))]
    [InlineData(nameof(MockOptions.OutputLifetime))]
    [InlineData(nameof(MockOptions.Balance))]
    [InlineData(nameof(MockOptions.PriceFactor1080p))]
    public void Options_out_of_range_are_refused_by_name(string name)
    {
        var options = name switch
        {
            nameof(MockOptions.RenderTime) => new MockOptions { RenderTime = TimeSpan.FromSeconds(-1) },
            nameof(MockOptions.OutputLifetime) => new MockOptions { OutputLifetime = TimeSpan.FromSeconds(-1) },
            nameof(MockOptions.Balance) => new MockOptions { Balance = -1 },
            _ => new MockOptions { PriceFactor1080p = 0 },
        };

        var error = Assert.Throws<ArgumentException>(() => MockServer.Start(options));

        Assert.StartsWith(name + " ", error.Message);
    }
}
