using System.Net;
using System.Text.RegularExpressions;
using HiApi.Contract.Tests.Support;

namespace HiApi.Contract.Tests.Contract;

/// <summary>
/// Tasks move queued, handling, archiving, success (or fail) and never back; GET shows created and completed (0 until
/// finished), storage "temp", and the output with its expireAt only on success.
/// </summary>
public sealed partial class LifecycleContractTests : ContractTest
{
    [Theory]
    [MemberData(nameof(ContractServer.Names), MemberType = typeof(ContractServer))]
    public async Task Polling_sees_the_states_in_order_and_the_finished_task_in_the_contracts_shape(string serverName)
    {
        var (_, api) = await StartAsync(serverName, new ContractSettings { RenderMs = 1200 });
        var created = await api.CreateAsync(ApiCalls.TextBody());

        var first = await api.GetAsync($"v1/tasks/{created.TaskId}");
        var (final, seen) = await api.WaitForTerminalAsync(created.TaskId);

        Assert.Equal(0, first.Data.GetProperty("completed").GetInt64());
        Assert.Empty(first.Data.GetProperty("output").EnumerateArray());
        string[] order = ["queued", "handling", "archiving", "success"];
        Assert.Equal(seen, seen.OrderBy(status => Array.IndexOf(order, status)));
        Assert.Equal("success", seen[^1]);

        var data = final.Data;
        Assert.Equal(["taskId", "model", "status", "storage", "created", "completed", "output"], data.EnumerateObject().Select(p => p.Name));
        Assert.Equal(created.TaskId, data.GetProperty("taskId").GetString());
        Assert.Equal(ApiCalls.TextToVideo, data.GetProperty("model").GetString());
        Assert.Equal("temp", data.GetProperty("storage").GetString());
        var createdAt = data.GetProperty("created").GetInt64();
        var completedAt = data.GetProperty("completed").GetInt64();
        Assert.InRange(createdAt, DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.InRange(completedAt, createdAt, createdAt + 60);
        var output = Assert.Single(data.GetProperty("output").EnumerateArray());
        Assert.Equal(["type", "url", "expireAt"], output.EnumerateObject().Select(p => p.Name));
        Assert.Equal("video", output.GetProperty("type").GetString());
        Assert.InRange(output.GetProperty("expireAt").GetInt64(), completedAt + 3599, completedAt + 3601);
        Assert.Equal("""{"code":200,"data":""", final.Body[..19]);
    }

    [Theory]
    [MemberData(nameof(ContractServer.Names), MemberType = typeof(ContractServer))]
    public async Task A_fail_marker_fails_the_task_with_its_error_and_no_output(string serverName)
    {
        var (_, api) = await StartAsync(serverName);
        var plain = await api.CreateAsync(ApiCalls.TextBody("a dragon [[fail]]"));
        var timeout = await api.CreateAsync(ApiCalls.TextBody("a dragon [[fail:TASK_TIMEOUT]]"));

        var (failed, seen) = await api.WaitForTerminalAsync(plain.TaskId);
        var (timedOut, _) = await api.WaitForTerminalAsync(timeout.TaskId);

        Assert.DoesNotContain("archiving", seen);
        Assert.Equal("fail", failed.Data.GetProperty("status").GetString());
        Assert.Empty(failed.Data.GetProperty("output").EnumerateArray());
        Assert.NotEqual(0, failed.Data.GetProperty("completed").GetInt64());
        Assert.Equal("""{"code":"generation_failed","message":"the model could not generate a video for this prompt"}""",
            failed.Data.GetProperty("error").GetRawText());
        Assert.Equal("""{"code":"TASK_TIMEOUT","message":"the task did not finish in time"}""", timedOut.Data.GetProperty("error").GetRawText());
    }

    [Theory]
    [MemberData(nameof(ContractServer.Names), MemberType = typeof(ContractServer))]
    public async Task Task_ids_look_like_the_seeds_and_sort_in_creation_order(string serverName)
    {
        var (server, api) = await StartAsync(serverName);

        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await api.CreateAsync(ApiCalls.TextBody($"scene {i}"))).TaskId);
        }

        Assert.All(ids, id => Assert.Matches(TaskIdShape(), id));
        Assert.Equal(ids, ids.Order(StringComparer.Ordinal));
        Assert.Equal(ids, server.TaskIds);
    }

    [Theory]
    [MemberData(nameof(ContractServer.Names), MemberType = typeof(ContractServer))]
    public async Task An_unknown_task_or_route_is_a_404_envelope(string serverName)
    {
        var (_, api) = await StartAsync(serverName);

        var task = await api.GetAsync("v1/tasks/tk-hiapi-00000000000000000000000000");
        var route = await api.GetAsync("v1/models");

        Assert.Equal(HttpStatusCode.NotFound, task.Status);
        Assert.Equal("""{"code":404,"data":null,"error_code":"NOT_FOUND","message":"task not found"}""", task.Body);
        Assert.Equal(HttpStatusCode.NotFound, route.Status);
        Assert.Equal("""{"code":404,"data":null,"error_code":"NOT_FOUND","message":"route not found"}""", route.Body);
    }

    [GeneratedRegex("^tk-hiapi-[0-9A-HJKMNP-TV-Z]{26}$")]
    private static partial Regex TaskIdShape();
}
