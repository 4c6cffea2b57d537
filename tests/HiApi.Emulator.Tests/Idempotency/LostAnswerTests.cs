using System.Net;
using HiApi.Emulator.Tests.Support;

namespace HiApi.Emulator.Tests.Idempotency;

/// <summary>
/// What a client must survive to keep a create's outcome exact (issue 15): a create whose answer is lost followed by a
/// busy server, and a create that goes on after its client gave up; plus the task's <c>completed</c> field.
/// </summary>
public sealed class LostAnswerTests : EmulatorTestBase
{
    private const string Body = """{"model":"happyhorse-1.1/text-to-video","input":{"prompt":"the pier at noon","duration":3}}""";

    [Theory]
    [InlineData(503, "SERVICE_UNAVAILABLE")]
    [InlineData(429, "RATE_LIMITED")]
    public async Task After_a_create_the_next_creates_meet_a_busy_server_until_the_count_is_spent(int status, string errorCode)
    {
        Server.Options.BusyAfterCreateCount = 2;
        Server.Options.BusyAfterCreateStatus = status;

        var created = await Client.CreateAsync(Body, idempotencyKey: "k-1");
        var busy = new[] { await Client.CreateAsync(Body, idempotencyKey: "k-1"), await Client.CreateAsync(Body, idempotencyKey: "k-1") };
        var replay = await Client.CreateAsync(Body, idempotencyKey: "k-1");

        Assert.Equal(HttpStatusCode.OK, created.Status);
        Assert.All(busy, answer =>
        {
            Assert.Equal(status, (int)answer.Status);
            Assert.Contains($"\"error_code\":\"{errorCode}\"", answer.Body);
            Assert.Equal("1", Assert.Single(answer.Headers.GetValues("Retry-After")));
        });
        Assert.True(replay.IsIdempotentReplay);
        Assert.Single(Server.Tasks);
    }

    [Fact]
    public async Task A_create_survives_its_client_leaving_when_told_to_and_is_replayed_to_the_retry()
    {
        Server.Options.CreateProcessingMs = 1500;
        Server.Options.CreateSurvivesDisconnect = true;
        using var impatient = new EmulatorClient(Server, timeout: TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<TaskCanceledException>(() => impatient.CreateAsync(Body, idempotencyKey: "gave-up"));

        var meanwhile = await Client.CreateAsync(Body, idempotencyKey: "gave-up");
        await Poll.UntilAsync(() => Task.FromResult(Server.Tasks.Count == 1), "the create finished after its client left");
        Server.Options.CreateProcessingMs = 0;
        var later = await Client.CreateAsync(Body, idempotencyKey: "gave-up");

        Assert.Equal(HttpStatusCode.Conflict, meanwhile.Status);
        Assert.True(later.IsIdempotentReplay);
        Assert.Equal(Server.Tasks.Single().TaskId, later.TaskId);
    }

    [Fact]
    public async Task Completed_is_zero_until_the_task_ends_then_its_end()
    {
        Server.Options.QueuedMs = 3000; // the first GET comes long before the end, even on a busy machine
        var created = await Client.CreateAsync(Body);
        var early = await Client.GetTaskAsync(created.TaskId);
        var done = await Client.WaitForTerminalAsync(created.TaskId);

        Assert.Equal(0, early.Json.GetProperty("data").GetProperty("completed").GetInt64());
        var completed = done.Json.GetProperty("data").GetProperty("completed").GetInt64();
        var createdAt = done.Json.GetProperty("data").GetProperty("created").GetInt64();
        Assert.InRange(completed, createdAt, createdAt + 60);
        Assert.Equal("temp", done.Json.GetProperty("data").GetProperty("storage").GetString());
    }
}
