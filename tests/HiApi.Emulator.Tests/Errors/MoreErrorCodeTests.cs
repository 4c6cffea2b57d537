using System.Net;
using HiApi.Emulator.Tests.Support;

namespace HiApi.Emulator.Tests.Errors;

/// <summary>
/// Contract, "Beyond the seeds": <c>MODEL_UNAVAILABLE</c> (retry shortly), <c>TASK_TIMEOUT</c> and
/// <c>STORAGE_UNAVAILABLE</c> (retryable task failures), <c>TASK_FAILED</c> (a synchronous rejection), in the usual
/// envelope.
/// </summary>
public sealed class MoreErrorCodeTests : EmulatorTestBase
{
    [Fact]
    public async Task Model_unavailable_is_a_503_envelope_with_Retry_After_that_makes_no_task_and_reserves_nothing()
    {
        Server.Options.ModelUnavailableRate = 1;
        Server.Options.RetryAfterSeconds = 4;

        var response = await Client.CreateTextTaskAsync(key: TestKeys.LowBalance, idempotencyKey: "busy-model");
        Server.Options.ModelUnavailableRate = 0;
        var retried = await Client.CreateTextTaskAsync(key: TestKeys.LowBalance, idempotencyKey: "busy-model");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.Status);
        Assert.Equal(
            """{"code":503,"data":null,"error_code":"MODEL_UNAVAILABLE","message":"model unavailable: happyhorse-1.1/text-to-video is temporarily unavailable, retry shortly"}""",
            response.Body);
        Assert.Equal("4", Assert.Single(response.Headers.GetValues("Retry-After")));
        Assert.Equal(1, Server.Faults.ModelUnavailable);
        // The key was released and nothing was reserved: the retry is a fresh create that fits the 0.05 balance.
        Assert.Equal(HttpStatusCode.OK, retried.Status);
        Assert.False(retried.IsIdempotentReplay);
        Assert.Single(Server.Tasks);
    }

    [Fact]
    public async Task Model_unavailable_is_rolled_per_create()
    {
        Server.Options.ModelUnavailableRate = 0.5;

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 40; i++)
        {
            statuses.Add((await Client.CreateTextTaskAsync(prompt: $"clip {i}")).Status);
        }

        Assert.Contains(HttpStatusCode.OK, statuses);
        Assert.Contains(HttpStatusCode.ServiceUnavailable, statuses);
        Assert.Equal(statuses.Count(s => s == HttpStatusCode.OK), Server.Tasks.Count);
    }

    [Fact]
    public async Task Service_unavailable_is_still_one_of_the_injected_5xx()
    {
        Server.Options.Faults = new FaultOptions { ServerErrorRate = 1 };

        var answers = new List<ApiResponse>();
        for (var i = 0; i < 3; i++)
        {
            answers.Add(await Client.GetTaskAsync("tk-hiapi-01KW23VDG2EZ20J7RQH8S67MNC"));
        }

        var unavailable = Assert.Single(answers, a => a.Status == HttpStatusCode.ServiceUnavailable);
        Assert.Equal("""{"code":503,"data":null,"error_code":"SERVICE_UNAVAILABLE","message":"service unavailable"}""", unavailable.Body);
    }

    [Theory]
    [InlineData("""{"model":"happyhorse-1.1/text-to-video","input":{"prompt":"something not allowed [[reject]]"}}""")]
    [InlineData("""{"model":"happyhorse-1.1/image-to-video","input":{"image_urls":["https://example.com/s.jpg"],"prompt":"[[reject]]"}}""")]
    public async Task A_reject_marker_is_a_synchronous_TASK_FAILED_rejection(string body)
    {
        var rejected = await Client.CreateAsync(body, idempotencyKey: "rejected");
        var retried = await Client.CreateAsync(
            """{"model":"happyhorse-1.1/text-to-video","input":{"prompt":"a harmless prompt"}}""", idempotencyKey: "rejected");

        Assert.Equal(HttpStatusCode.BadRequest, rejected.Status);
        Assert.Equal("""{"code":400,"data":null,"error_code":"TASK_FAILED","message":"task failed: the request was rejected"}""", rejected.Body);
        Assert.Equal(HttpStatusCode.OK, retried.Status);   // a rejection makes no task, so it binds no key
        Assert.Single(Server.Tasks);
    }

    [Theory]
    [InlineData("TASK_TIMEOUT", "the task did not finish in time")]
    [InlineData("STORAGE_UNAVAILABLE", "the output could not be stored")]
    [InlineData("generation_failed", "the model could not generate a video for this prompt")]
    [InlineData("CONTENT_POLICY", "the model could not generate a video for this prompt")]
    public async Task The_fail_marker_carries_the_sdk_codes(string code, string message)
    {
        var created = await Client.CreateTextTaskAsync(prompt: $"a clip [[fail:{code}]]");

        var final = await Client.WaitForTerminalAsync(created.TaskId);

        Assert.Equal(HttpStatusCode.OK, created.Status);
        Assert.Equal("fail", final.TaskStatus);
        var error = final.Json.GetProperty("data").GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Equal(message, error.GetProperty("message").GetString());
        Assert.Equal(0, final.Json.GetProperty("data").GetProperty("output").GetArrayLength());
    }
}
