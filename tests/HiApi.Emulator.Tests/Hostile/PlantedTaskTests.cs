using System.Net;
using System.Text;
using System.Text.Json;
using HiApi.Emulator.Tests.Support;

namespace HiApi.Emulator.Tests.Hostile;

/// <summary>
/// <c>POST /_emulator/tasks</c> plants a task verbatim, so GET and the listing return answers the lifecycle never
/// produces: odd ids, unknown statuses, odd outputs.
/// </summary>
public sealed class PlantedTaskTests : EmulatorTestBase
{
    private async Task<HttpResponseMessage> PlantAsync(object task) =>
        await Client.Http.PostAsync("_emulator/tasks",
            new StringContent(JsonSerializer.Serialize(task), Encoding.UTF8, "application/json"));

    private Task<ApiResponse> GetPlantedAsync(string taskId, string key = TestKeys.AllModels) =>
        Client.GetTaskAsync(Uri.EscapeDataString(taskId), key);

    [Fact]
    public async Task A_planted_task_is_returned_exactly_as_planted()
    {
        using var planted = await PlantAsync(new
        {
            taskId = "tk-planted-1",
            model = "happyhorse-1.1/text-to-video",
            status = "success",
            output = new object[]
            {
                new { type = "video", url = "javascript:alert(1)", expireAt = 1 },
                new { type = "image" },
            },
            error = new { code = "STILL_HERE", message = "an error on a success" },
            created = 1_700_000_000,
        });

        var response = await GetPlantedAsync("tk-planted-1");

        Assert.Equal(HttpStatusCode.OK, planted.StatusCode);
        Assert.Equal(
            """{"code":200,"data":{"taskId":"tk-planted-1","model":"happyhorse-1.1/text-to-video","status":"success","storage":"temp","created":1700000000,"output":[{"type":"video","url":"javascript:alert(1)","expireAt":1},{"type":"image"}],"error":{"code":"STILL_HERE","message":"an error on a success"}},"message":"success"}""",
            response.Body);
    }

    [Theory]
    [InlineData("")]
    [InlineData("weird")]
    [InlineData("SUCCESS")]
    [InlineData("handling ")]
    public async Task Any_status_text_comes_back_and_absent_fields_stay_absent(string status)
    {
        await PlantAsync(new { taskId = "tk-odd-status", status, created = 1_700_000_000 });

        var response = await GetPlantedAsync("tk-odd-status");

        Assert.Equal(
            $$"""{"code":200,"data":{"taskId":"tk-odd-status","status":"{{status}}","storage":"temp","created":1700000000,"output":[]},"message":"success"}""",
            response.Body);
    }

    [Theory]
    [InlineData("with/slash")]
    [InlineData("../../etc/passwd")]
    [InlineData("with space and ?query=1&x#fragment")]
    [InlineData("percent %41 %2F literally")]
    [InlineData("quote \" backslash \\ tab \t")]
    [InlineData("ünïcödé 🎬 视频")]
    [InlineData("x")]
    public async Task Any_id_can_be_planted_and_read_back_url_escaped(string taskId)
    {
        using var planted = await PlantAsync(new { taskId, status = "queued" });

        var response = await GetPlantedAsync(taskId);

        Assert.Equal(HttpStatusCode.OK, planted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(taskId, response.Json.GetProperty("data").GetProperty("taskId").GetString());
        Assert.Equal("queued", response.TaskStatus);
    }

    [Fact]
    public async Task A_very_long_id_can_be_planted_and_read_back()
    {
        var taskId = "tk-" + new string('L', 50_000);
        await PlantAsync(new { taskId, status = "fail", error = new { code = "TASK_TIMEOUT", message = "slow" } });

        var response = await GetPlantedAsync(taskId);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(taskId, response.Json.GetProperty("data").GetProperty("taskId").GetString());
    }

    [Fact]
    public async Task Planted_tasks_are_listed_for_their_key_newest_first_by_created()
    {
        var real = await Client.CreateTextTaskAsync();
        await PlantAsync(new { taskId = "tk-old", status = "success", created = 1_000 });
        await PlantAsync(new { taskId = "tk-future", status = "queued", created = 4_000_000_000 });
        await PlantAsync(new { apiKey = TestKeys.TextOnly, taskId = "tk-theirs", status = "success" });

        var mine = await Client.SendAsync(HttpMethod.Get, "v1/tasks", TestKeys.AllModels, null);
        var theirsForMe = await GetPlantedAsync("tk-theirs");
        var theirsForThem = await GetPlantedAsync("tk-theirs", TestKeys.TextOnly);

        var ids = mine.Json.GetProperty("data").GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("taskId").GetString());
        Assert.Equal(["tk-future", real.TaskId, "tk-old"], ids);
        Assert.Equal(HttpStatusCode.NotFound, theirsForMe.Status);
        Assert.Equal(HttpStatusCode.OK, theirsForThem.Status);
    }

    [Fact]
    public async Task Planting_again_replaces_a_planted_task_but_never_a_created_one()
    {
        var real = await Client.CreateTextTaskAsync();
        await PlantAsync(new { taskId = "tk-moving", status = "handling" });
        using var replaced = await PlantAsync(new { taskId = "tk-moving", status = "success" });
        using var refused = await PlantAsync(new { taskId = real.TaskId, status = "fail" });

        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Equal("success", (await GetPlantedAsync("tk-moving")).TaskStatus);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.NotEqual("fail", (await Client.GetTaskAsync(real.TaskId)).TaskStatus);
        Assert.Equal(2, Server.Tasks.Count);
    }

    [Theory]
    [InlineData("""{"status":"success"}""", "taskId is required")]
    [InlineData("""{"taskId":"x"}""", "status is required")]
    [InlineData("""{"taskId":"x","status":"success","apiKey":"sk-not-configured"}""", "apiKey is not a configured key")]
    [InlineData("""{"taskId":"x","status":"success","colour":"blue"}""", "invalid JSON")]
    [InlineData("""{"taskId":"x","status":"success","created":"yesterday"}""", "invalid JSON")]
    public async Task Bad_plant_requests_are_400_and_never_echo_a_key(string body, string problem)
    {
        using var response = await Client.Http.PostAsync("_emulator/tasks", new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(problem, text);
        Assert.DoesNotContain("sk-not-configured", text);
        Assert.Empty(Server.Tasks);
    }
}
