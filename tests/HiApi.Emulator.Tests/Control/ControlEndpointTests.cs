using System.Net;
using System.Text;
using System.Text.Json;
using HiApi.Emulator.Tests.Support;

namespace HiApi.Emulator.Tests.Control;

/// <summary>The loopback control endpoints that tests and scripts use to look inside and steer the emulator.</summary>
public sealed class ControlEndpointTests : EmulatorTestBase
{
    private async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Client.Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    private async Task<HttpResponseMessage> PutJsonAsync(string path, string json) =>
        await Client.Http.PutAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    [Fact]
    public async Task The_request_list_proves_that_nothing_was_sent()
    {
        var before = await GetJsonAsync("_emulator/requests");
        await GetJsonAsync("_emulator/stats");
        await GetJsonAsync("_emulator/tasks");

        Assert.Equal(0, before.GetArrayLength());
        Assert.Equal(0, (await GetJsonAsync("_emulator/requests")).GetArrayLength());
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task The_request_list_shows_each_request_in_camelCase_and_can_be_cleared()
    {
        var created = await Client.CreateTextTaskAsync();
        await Client.GetTaskAsync(created.TaskId, key: null);

        var list = await GetJsonAsync("_emulator/requests");
        using var cleared = await Client.Http.DeleteAsync("_emulator/requests");
        var after = await GetJsonAsync("_emulator/requests");

        Assert.Equal(2, list.GetArrayLength());
        var create = list[0];
        Assert.Equal("POST", create.GetProperty("method").GetString());
        Assert.Equal("/v1/tasks", create.GetProperty("path").GetString());
        Assert.Equal("create", create.GetProperty("kind").GetString());
        Assert.True(create.GetProperty("hasAuthorization").GetBoolean());
        Assert.Equal(200, create.GetProperty("statusCode").GetInt32());
        Assert.True(create.GetProperty("requestBodyBytes").GetInt64() > 0);
        var get = list[1];
        Assert.Equal("get", get.GetProperty("kind").GetString());
        Assert.False(get.GetProperty("hasAuthorization").GetBoolean());
        Assert.Equal(401, get.GetProperty("statusCode").GetInt32());
        Assert.Equal(HttpStatusCode.NoContent, cleared.StatusCode);
        Assert.Equal(0, after.GetArrayLength());
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task Recording_can_be_switched_off()
    {
        Server.Options.RecordRequests = false;

        await Client.CreateTextTaskAsync();

        Assert.Empty(Server.Requests);
        Assert.Equal(1, (await GetJsonAsync("_emulator/stats")).GetProperty("requests").GetProperty("create").GetInt64());
    }

    [Fact]
    public async Task Faults_can_be_read_and_replaced()
    {
        using var put = await PutJsonAsync("_emulator/faults", """{"serverErrorRate":1,"slowResponseDelayMs":5}""");
        var faults = await GetJsonAsync("_emulator/faults");
        var answer = await Client.GetTaskAsync("tk-hiapi-01KW23VDG2EZ20J7RQH8S67MNC");

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(1, faults.GetProperty("serverErrorRate").GetDouble());
        Assert.Equal(0, faults.GetProperty("dropConnectionRate").GetDouble());
        Assert.Equal(HttpStatusCode.InternalServerError, answer.Status);
        Assert.Equal(1, Server.Options.Faults.ServerErrorRate);
    }

    [Theory]
    [InlineData("""{"serverErrorRate":2}""")]
    [InlineData("""{"serverErrorRat":1}""")]
    [InlineData("""not json""")]
    public async Task Bad_fault_settings_are_refused(string json)
    {
        using var put = await PutJsonAsync("_emulator/faults", json);

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Equal(0, Server.Options.Faults.ServerErrorRate);
    }

    [Fact]
    public async Task Config_changes_only_the_fields_given()
    {
        using var put = await PutJsonAsync("_emulator/config", """{"rateLimitRequests":1,"retryAfterSeconds":9,"handlingMs":42}""");
        await Client.CreateTextTaskAsync();
        var limited = await Client.CreateTextTaskAsync();
        var config = await GetJsonAsync("_emulator/config");

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.Status);
        Assert.Equal("9", Assert.Single(limited.Headers.GetValues("Retry-After")));
        Assert.Equal(42, config.GetProperty("handlingMs").GetInt32());
        Assert.Equal(60, config.GetProperty("queuedMs").GetInt32());
        Assert.Equal(42, Server.Options.HandlingMs);
    }

    [Theory]
    [InlineData("""{"handlingMs":-1}""")]
    [InlineData("""{"handlingMillis":5}""")]
    public async Task Bad_config_is_refused_whole(string json)
    {
        using var put = await PutJsonAsync("_emulator/config", json);

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Equal(80, Server.Options.HandlingMs);
    }

    [Fact]
    public async Task Keys_can_be_replaced_and_balances_read()
    {
        using var put = await PutJsonAsync("_emulator/keys",
            """[{"key":"sk-test-new","balance":0.1},{"key":"sk-test-other","allowedModels":["happyhorse-1.1/image-to-video"]}]""");
        var oldKey = await Client.CreateTextTaskAsync(key: TestKeys.AllModels);
        var newKey = await Client.CreateTextTaskAsync(key: "sk-test-new", duration: 4);
        var balance = await GetJsonAsync("_emulator/balance/sk-test-new");
        using var unknown = await Client.Http.GetAsync("_emulator/balance/sk-test-emulator");

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.DoesNotContain("sk-test-new", await put.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, oldKey.Status);
        Assert.Equal(HttpStatusCode.OK, newKey.Status);
        Assert.Equal(0.1m, balance.GetProperty("balance").GetDecimal());
        Assert.Equal(0.04m, balance.GetProperty("reserved").GetDecimal());
        Assert.Equal(0.06m, balance.GetProperty("available").GetDecimal());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Stats_count_requests_by_kind_and_faults()
    {
        var created = await Client.CreateTextTaskAsync();
        await Client.GetTaskAsync(created.TaskId);
        await Client.GetTaskAsync(created.TaskId);
        Server.Options.Faults.ServerErrorRate = 1;
        await Client.GetTaskAsync(created.TaskId);

        var stats = await GetJsonAsync("_emulator/stats");

        Assert.Equal(1, stats.GetProperty("requests").GetProperty("create").GetInt64());
        Assert.Equal(3, stats.GetProperty("requests").GetProperty("get").GetInt64());
        Assert.Equal(1, stats.GetProperty("faults").GetProperty("serverErrors").GetInt64());
        Assert.Equal(1, stats.GetProperty("tasks").GetInt32());
    }

    [Fact]
    public async Task Tasks_and_callbacks_are_listed()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        var created = await Client.CreateTextTaskAsync(callbackUrl: receiver.Url);
        await Poll.UntilAsync(() => Server.CallbackDeliveries.Count == 1, "the callback");

        var tasks = await GetJsonAsync("_emulator/tasks");
        var callbacks = await GetJsonAsync("_emulator/callbacks");

        Assert.Equal(created.TaskId, tasks[0].GetProperty("taskId").GetString());
        Assert.Equal("sk-test…", tasks[0].GetProperty("apiKeyLabel").GetString());
        Assert.Equal(created.TaskId, callbacks[0].GetProperty("taskId").GetString());
        Assert.Equal(200, callbacks[0].GetProperty("statusCode").GetInt32());
    }

    [Fact]
    public async Task Unknown_api_routes_are_404_envelopes()
    {
        var response = await Client.SendAsync(HttpMethod.Get, "v1/models", TestKeys.AllModels, null);

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("NOT_FOUND", response.Json.GetProperty("error_code").GetString());
        Assert.Equal("other", Assert.Single(Server.Requests).Kind);
    }
}
