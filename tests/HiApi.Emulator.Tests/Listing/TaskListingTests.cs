using System.Net;
using System.Text.Json;
using HiApi.Emulator.Tests.Support;

namespace HiApi.Emulator.Tests.Listing;

/// <summary>
/// Contract, "Beyond the seeds": <c>GET /v1/tasks?page=1&amp;size=20</c> lists the key's tasks, newest first;
/// <c>data</c> holds the page under <c>tasks</c>, with <c>page</c>, <c>size</c> and <c>total</c>.
/// </summary>
public sealed class TaskListingTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    private static Task<ApiResponse> ListAsync(EmulatorClient client, string query = "", string? key = TestKeys.AllModels) =>
        client.SendAsync(HttpMethod.Get, "v1/tasks" + query, key, null);

    private static List<string> IdsOf(ApiResponse list) =>
        list.Json.GetProperty("data").GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("taskId").GetString()!).ToList();

    [Fact]
    public async Task Lists_only_the_callers_tasks_newest_first_in_the_shape_GET_returns()
    {
        var clock = new ManualClock(Start);
        await using var server = await EmulatorServer.StartAsync(FastOptions.Create(100, 100, 100), "http://127.0.0.1:0", clock);
        using var client = new EmulatorClient(server);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await client.CreateTextTaskAsync(prompt: $"clip {i}")).TaskId);
            clock.AdvanceMs(100);   // one finished, one archiving, one handling at the end
        }
        await client.CreateTextTaskAsync(key: TestKeys.TextOnly);

        var list = await ListAsync(client);

        Assert.Equal(HttpStatusCode.OK, list.Status);
        Assert.Equal(200, list.Json.GetProperty("code").GetInt32());
        Assert.Equal("success", list.Json.GetProperty("message").GetString());
        var data = list.Json.GetProperty("data");
        Assert.Equal(["tasks", "page", "size", "total"], data.EnumerateObject().Select(p => p.Name));
        Assert.Equal(1, data.GetProperty("page").GetInt32());
        Assert.Equal(20, data.GetProperty("size").GetInt32());
        Assert.Equal(3, data.GetProperty("total").GetInt32());
        Assert.Equal(Enumerable.Reverse(ids), IdsOf(list));
        foreach (var task in data.GetProperty("tasks").EnumerateArray())
        {
            var single = await client.GetTaskAsync(task.GetProperty("taskId").GetString()!);
            Assert.Equal(single.Json.GetProperty("data").GetRawText(), task.GetRawText());
        }
        Assert.Equal(["handling", "archiving", "success"],
            data.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("status").GetString()));
        Assert.Equal("list", server.Requests.First(r => r.Path == "/v1/tasks" && r.Method == "GET").Kind);
    }

    [Fact]
    public async Task Pages_split_the_list_and_a_page_past_the_end_is_empty()
    {
        await using var server = await EmulatorServer.StartAsync(FastOptions.Create());
        using var client = new EmulatorClient(server);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await client.CreateTextTaskAsync(prompt: $"clip {i}")).TaskId);
        }
        ids.Reverse();

        var first = await ListAsync(client, "?page=1&size=2");
        var third = await ListAsync(client, "?size=2&page=3");
        var beyond = await ListAsync(client, "?page=4&size=2");
        var absurd = await ListAsync(client, "?page=9223372036854775807&size=100");

        Assert.Equal(ids[..2], IdsOf(first));
        Assert.Equal(ids[4..], IdsOf(third));
        Assert.Empty(IdsOf(beyond));
        Assert.Empty(IdsOf(absurd));
        Assert.Equal(5, beyond.Json.GetProperty("data").GetProperty("total").GetInt32());
        Assert.Equal(3, third.Json.GetProperty("data").GetProperty("page").GetInt32());
        Assert.Equal(2, third.Json.GetProperty("data").GetProperty("size").GetInt32());
    }

    [Fact]
    public async Task A_key_with_no_tasks_gets_an_empty_page()
    {
        await using var server = await EmulatorServer.StartAsync(FastOptions.Create());
        using var client = new EmulatorClient(server);

        var list = await ListAsync(client, key: TestKeys.LowBalance);

        Assert.Equal("""{"code":200,"data":{"tasks":[],"page":1,"size":20,"total":0},"message":"success"}""", list.Body);
    }

    [Theory]
    [InlineData("?size=0", "invalid request: size: minimum: got 0, want 1")]
    [InlineData("?size=101", "invalid request: size: maximum: got 101, want 100")]
    [InlineData("?page=0", "invalid request: page: minimum: got 0, want 1")]
    [InlineData("?page=-3", "invalid request: page: minimum: got -3, want 1")]
    [InlineData("?page=abc", "invalid request: page: value must be an integer")]
    [InlineData("?size=1.5", "invalid request: size: value must be an integer")]
    [InlineData("?size=", "invalid request: size: value must be an integer")]
    [InlineData("?size=1&size=2", "invalid request: size: value must be given once")]
    [InlineData("?size=500&page=0", "invalid request: page: minimum: got 0, want 1; size: maximum: got 500, want 100")]
    public async Task Bad_page_or_size_is_400_naming_each_problem(string query, string message)
    {
        await using var server = await EmulatorServer.StartAsync(FastOptions.Create());
        using var client = new EmulatorClient(server);

        var response = await ListAsync(client, query);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("INVALID_REQUEST", response.Json.GetProperty("error_code").GetString());
        Assert.Equal(message, response.Message);
    }

    [Fact]
    public async Task Auth_rate_limit_and_faults_apply_as_for_other_api_requests()
    {
        await using var server = await EmulatorServer.StartAsync(FastOptions.Create());
        using var client = new EmulatorClient(server);

        var anonymous = await ListAsync(client, key: null);
        var unknown = await ListAsync(client, key: "sk-wrong");
        server.Options.RateLimitRequests = 1;
        server.Options.RateLimitWindowMs = 60_000;
        var admitted = await ListAsync(client);
        var limited = await ListAsync(client);
        server.Options.RateLimitRequests = null;
        server.Options.Faults = new FaultOptions { ServerErrorRate = 1 };
        var faulted = await ListAsync(client);

        const string permissionDenied =
            """{"error":{"code":"permission_denied","message":"This API key cannot use the selected model...","type":"hiapi_error"}}""";
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
        Assert.Equal(permissionDenied, anonymous.Body);
        Assert.Equal(permissionDenied, unknown.Body);
        Assert.Equal(HttpStatusCode.OK, admitted.Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.Status);
        Assert.True(limited.Headers.Contains("Retry-After"));
        Assert.Equal(HttpStatusCode.InternalServerError, faulted.Status);
        Assert.Equal(5, server.Requests.Count(r => r.Kind == "list"));
    }

    [Fact]
    public async Task Every_task_object_carries_created_in_unix_seconds()
    {
        var clock = new ManualClock(Start.AddMilliseconds(999));
        await using var server = await EmulatorServer.StartAsync(FastOptions.Create(), "http://127.0.0.1:0", clock);
        using var client = new EmulatorClient(server);
        var created = await client.CreateTextTaskAsync();
        clock.AdvanceMs(5000);

        var single = (await client.GetTaskAsync(created.TaskId)).Json.GetProperty("data").GetProperty("created");
        var listed = (await ListAsync(client)).Json.GetProperty("data").GetProperty("tasks")[0].GetProperty("created");

        Assert.Equal(JsonValueKind.Number, single.ValueKind);
        Assert.Equal(Start.ToUnixTimeSeconds(), single.GetInt64());
        Assert.Equal("1800000000", single.GetRawText());
        Assert.Equal(Start.ToUnixTimeSeconds(), listed.GetInt64());
    }
}
