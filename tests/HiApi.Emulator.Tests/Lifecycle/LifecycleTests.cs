using System.Net;
using System.Text.Json;
using HiApi.Emulator.Tests.Support;

namespace HiApi.Emulator.Tests.Lifecycle;

/// <summary>"status cycles queued → handling → archiving → success (or fail)" (seed 000), observed by polling.</summary>
public sealed class LifecycleTests
{
    private static readonly string[] SuccessPath = ["queued", "handling", "archiving", "success"];

    private static void AssertInLifecycleOrder(string[] path, List<string> seen)
    {
        var positions = seen.Select(status => Array.IndexOf(path, status)).ToList();
        Assert.DoesNotContain(-1, positions);
        Assert.Equal(positions.Order(), positions);
        Assert.Equal(positions.Distinct().Count(), positions.Count);
    }

    [Fact]
    public async Task Polling_in_real_time_sees_the_states_in_order_and_never_backwards()
    {
        await using var server = await EmulatorServer.StartAsync(FastOptions.Create(400, 400, 400));
        using var client = new EmulatorClient(server);
        var created = await client.CreateTextTaskAsync();

        var seen = new List<string>();
        ApiResponse last = null!;
        await Poll.UntilAsync(async () =>
        {
            last = await client.GetTaskAsync(created.TaskId);
            var status = last.TaskStatus;
            if (seen.Count == 0 || seen[^1] != status)
            {
                seen.Add(status);
            }
            return status == "success";
        }, "success");

        // Real time on a busy machine may skip a short state between two polls; it may never go backwards.
        AssertInLifecycleOrder(SuccessPath, seen);
        Assert.Equal("success", seen[^1]);
        var data = last.Json.GetProperty("data");
        Assert.Equal(created.TaskId, data.GetProperty("taskId").GetString());
        Assert.Equal("happyhorse-1.1/text-to-video", data.GetProperty("model").GetString());
        Assert.Equal("temp", data.GetProperty("storage").GetString());
        Assert.False(data.TryGetProperty("error", out _));
        Assert.Equal(200, last.Json.GetProperty("code").GetInt32());
        Assert.Equal("success", last.Json.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Fail_marker_ends_in_fail_with_error_and_no_output()
    {
        await using var server = await EmulatorServer.StartAsync(FastOptions.Create());
        using var client = new EmulatorClient(server);
        var created = await client.CreateTextTaskAsync(prompt: "a storm [[fail]] at sea");

        var final = await client.WaitForTerminalAsync(created.TaskId);

        var data = final.Json.GetProperty("data");
        Assert.Equal("fail", data.GetProperty("status").GetString());
        Assert.Equal(0, data.GetProperty("output").GetArrayLength());
        Assert.Equal("generation_failed", data.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("the model could not generate a video for this prompt", data.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.OK, final.Status);
    }

    [Fact]
    public async Task Fail_marker_with_a_code_uses_that_code()
    {
        await using var server = await EmulatorServer.StartAsync(FastOptions.Create());
        using var client = new EmulatorClient(server);
        var created = await client.CreateAsync(
            """{"model":"happyhorse-1.1/image-to-video","input":{"image_urls":["https://example.com/s.jpg"],"prompt":"[[fail:content_policy]]"}}""");

        var final = await client.WaitForTerminalAsync(created.TaskId);

        Assert.Equal("fail", final.TaskStatus);
        Assert.Equal("content_policy", final.Json.GetProperty("data").GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_failing_task_goes_through_queued_and_handling_to_fail()
    {
        await using var server = await EmulatorServer.StartAsync(FastOptions.Create(400, 400, 400));
        using var client = new EmulatorClient(server);
        var created = await client.CreateTextTaskAsync(prompt: "[[fail]]");

        var seen = new List<string>();
        await Poll.UntilAsync(async () =>
        {
            var status = (await client.GetTaskAsync(created.TaskId)).TaskStatus;
            if (seen.Count == 0 || seen[^1] != status)
            {
                seen.Add(status);
            }
            return status == "fail";
        }, "fail");

        AssertInLifecycleOrder(["queued", "handling", "fail"], seen);
        Assert.Equal("fail", seen[^1]);
    }

    [Fact]
    public async Task Timings_are_fixed_when_the_task_is_created()
    {
        await using var server = await EmulatorServer.StartAsync(FastOptions.Create());
        using var client = new EmulatorClient(server);
        var created = await client.CreateTextTaskAsync();

        server.Options.HandlingMs = 600_000;   // a later change must not hold back the task already running
        var final = await client.WaitForTerminalAsync(created.TaskId);

        Assert.Equal("success", final.TaskStatus);
    }

    [Fact]
    public async Task Task_info_shows_what_was_asked_without_the_key()
    {
        await using var server = await EmulatorServer.StartAsync(FastOptions.Create());
        using var client = new EmulatorClient(server);

        var created = await client.CreateTextTaskAsync(prompt: "a quiet coffee shop", duration: 4);

        var info = Assert.Single(server.Tasks);
        Assert.Equal(created.TaskId, info.TaskId);
        Assert.Equal("happyhorse-1.1/text-to-video", info.Model);
        Assert.Equal(4, info.Duration);
        Assert.Equal("a quiet coffee shop", info.Prompt);
        Assert.Equal("sk-test…", info.ApiKeyLabel);
        Assert.True(info.FinishedAt > info.CreatedAt);
    }

    [Fact]
    public async Task Task_ids_look_like_the_seeds_and_sort_in_creation_order()
    {
        await using var server = await EmulatorServer.StartAsync(FastOptions.Create());
        using var client = new EmulatorClient(server);

        var ids = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            ids.Add((await client.CreateTextTaskAsync()).TaskId);
        }

        Assert.All(ids, id => Assert.Matches("^tk-hiapi-[0-9A-HJKMNP-TV-Z]{26}$", id));
        Assert.Equal(ids, ids.Order(StringComparer.Ordinal));
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public async Task Hundreds_of_concurrent_creates_each_get_their_own_task()
    {
        await using var server = await EmulatorServer.StartAsync(FastOptions.Create());
        using var client = new EmulatorClient(server);

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => client.CreateTextTaskAsync(prompt: $"clip {i}")));

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.OK, response.Status));
        Assert.Equal(200, responses.Select(response => response.TaskId).Distinct().Count());
        Assert.Equal(200, server.Tasks.Count);
    }
}
