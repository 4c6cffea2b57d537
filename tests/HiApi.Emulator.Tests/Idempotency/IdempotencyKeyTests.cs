using System.Net;
using System.Text.Json;
using HiApi.Emulator.Tests.Support;

namespace HiApi.Emulator.Tests.Idempotency;

/// <summary>
/// Contract, "Beyond the seeds": the same Idempotency-Key with the same body within about 24 hours returns the first
/// task instead of creating and billing a new one, marked <c>Idempotent-Replay: true</c>; a different body is 422,
/// a key whose first request is still running is 409.
/// </summary>
public sealed class IdempotencyKeyTests : EmulatorTestBase
{
    private const string Body = """{"model":"happyhorse-1.1/text-to-video","input":{"prompt":"a calm ocean wave","duration":3}}""";

    [Fact]
    public async Task A_replay_answers_the_first_task_with_the_replay_header_and_no_new_task_or_charge()
    {
        var first = await Client.CreateAsync(Body, TestKeys.LowBalance, idempotencyKey: "order-42");
        var again = await Client.CreateAsync(Body, TestKeys.LowBalance, idempotencyKey: "order-42");
        using var balance = await Client.Http.GetAsync($"_emulator/balance/{TestKeys.LowBalance}");
        var reserved = JsonDocument.Parse(await balance.Content.ReadAsStringAsync()).RootElement.GetProperty("reserved").GetDecimal();

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.False(first.IsIdempotentReplay);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.True(again.IsIdempotentReplay);
        Assert.Equal(first.Body, again.Body);
        Assert.Equal(first.TaskId, again.TaskId);
        Assert.Single(Server.Tasks);
        // 0.05 of balance: a second real 3 s task would have reserved another 0.03 (and been refused with 402).
        Assert.Equal(0.03m, reserved);
        var logged = Server.Requests.Where(r => r.Kind == "create").ToList();
        Assert.Equal(["order-42", "order-42"], logged.Select(r => r.IdempotencyKey));
        Assert.Equal([false, true], logged.Select(r => r.Replay));
    }

    [Fact]
    public async Task A_replay_sends_no_second_callback()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        var created = await Client.CreateTextTaskAsync(callbackUrl: receiver.Url, idempotencyKey: "with-callback");
        var replayed = await Client.CreateTextTaskAsync(callbackUrl: receiver.Url, idempotencyKey: "with-callback");
        await Client.WaitForTerminalAsync(created.TaskId);
        await Poll.UntilAsync(() => Server.PendingCallbacks == 0 && receiver.Bodies.Count >= 1, "the callback");

        Assert.True(replayed.IsIdempotentReplay);
        Assert.Single(receiver.Bodies);
        Assert.Single(Server.CallbackDeliveries);
    }

    [Fact]
    public async Task Without_a_key_the_same_body_makes_a_second_task()
    {
        var first = await Client.CreateAsync(Body);
        var second = await Client.CreateAsync(Body);

        Assert.NotEqual(first.TaskId, second.TaskId);
        Assert.False(second.IsIdempotentReplay);
        Assert.Equal(2, Server.Tasks.Count);
        Assert.All(Server.Requests, r => Assert.Null(r.IdempotencyKey));
    }

    [Theory]
    [InlineData("""{"model":"happyhorse-1.1/text-to-video","input":{"prompt":"another wave","duration":3}}""")]
    [InlineData("""{"model":"happyhorse-1.1/text-to-video", "input":{"prompt":"a calm ocean wave","duration":3}}""")]
    [InlineData("""{"input":{"prompt":"a calm ocean wave","duration":3},"model":"happyhorse-1.1/text-to-video"}""")]
    public async Task The_same_key_with_a_different_body_is_422_even_if_only_the_bytes_differ(string otherBody)
    {
        await Client.CreateAsync(Body, idempotencyKey: "reused");

        var response = await Client.CreateAsync(otherBody, idempotencyKey: "reused");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.Status);
        Assert.Equal(
            """{"code":422,"data":null,"error_code":"IDEMPOTENCY_KEY_MISMATCH","message":"this Idempotency-Key was already used with a different request body"}""",
            response.Body);
        Assert.False(response.Headers.Contains("Retry-After"));
        Assert.Single(Server.Tasks);
    }

    [Fact]
    public async Task While_the_first_request_is_processed_the_same_key_is_409_with_Retry_After()
    {
        // Both at once: whichever claims the key first is held for 15 s (the second arrives well within that even on a
        // busy machine); the other must see 409, whatever the order.
        Server.Options.CreateProcessingMs = 15_000;
        var responses = await Task.WhenAll(
            Client.CreateAsync(Body, idempotencyKey: "in-flight"),
            Client.CreateAsync(Body, idempotencyKey: "in-flight"));
        Server.Options.CreateProcessingMs = 0;
        var afterwards = await Client.CreateAsync(Body, idempotencyKey: "in-flight");

        var winner = Assert.Single(responses, r => r.Status == HttpStatusCode.OK);
        var conflict = Assert.Single(responses, r => r.Status == HttpStatusCode.Conflict);
        Assert.Equal(
            """{"code":409,"data":null,"error_code":"IDEMPOTENCY_KEY_PROCESSING","message":"a request with this Idempotency-Key is still being processed"}""",
            conflict.Body);
        Assert.Equal("1", Assert.Single(conflict.Headers.GetValues("Retry-After")));
        Assert.Single(Server.Tasks);
        Assert.True(afterwards.IsIdempotentReplay);
        Assert.Equal(winner.TaskId, afterwards.TaskId);
    }

    [Fact]
    public async Task A_key_is_released_when_its_create_is_refused_so_a_retry_can_succeed()
    {
        var invalid = await Client.CreateAsync(
            """{"model":"happyhorse-1.1/text-to-video","input":{"prompt":"p","duration":99}}""", idempotencyKey: "fix-and-retry");
        var fixedUp = await Client.CreateAsync(Body, idempotencyKey: "fix-and-retry");
        var tooExpensive = await Client.CreateTextTaskAsync(duration: 6, key: TestKeys.LowBalance, idempotencyKey: "top-up");
        var cheaper = await Client.CreateTextTaskAsync(duration: 3, key: TestKeys.LowBalance, idempotencyKey: "top-up");
        var notAllowed = await Client.CreateAsync(
            """{"model":"happyhorse-1.1/image-to-video","input":{"image_urls":["https://example.com/s.jpg"]}}""",
            TestKeys.TextOnly, idempotencyKey: "wrong-model");
        var allowed = await Client.CreateAsync(Body, TestKeys.TextOnly, idempotencyKey: "wrong-model");

        Assert.Equal(HttpStatusCode.BadRequest, invalid.Status);
        Assert.Equal(HttpStatusCode.OK, fixedUp.Status);
        Assert.False(fixedUp.IsIdempotentReplay);
        Assert.Equal(HttpStatusCode.PaymentRequired, tooExpensive.Status);
        Assert.Equal(HttpStatusCode.OK, cheaper.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, notAllowed.Status);
        Assert.Equal(HttpStatusCode.OK, allowed.Status);
        Assert.Equal(3, Server.Tasks.Count);
    }

    [Fact]
    public async Task A_create_abandoned_by_its_client_while_processing_releases_the_key()
    {
        Server.Options.CreateProcessingMs = 10_000;
        using var impatient = new EmulatorClient(Server, timeout: TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<TaskCanceledException>(() => impatient.CreateAsync(Body, idempotencyKey: "gave-up"));
        Server.Options.CreateProcessingMs = 0;

        // The emulator notices the disconnect at once; until then a retry may still see 409.
        ApiResponse retry = null!;
        await Poll.UntilAsync(async () =>
        {
            retry = await Client.CreateAsync(Body, idempotencyKey: "gave-up");
            return retry.Status != HttpStatusCode.Conflict;
        }, "the abandoned claim to be released", TimeSpan.FromSeconds(15));

        Assert.Equal(HttpStatusCode.OK, retry.Status);
        Assert.False(retry.IsIdempotentReplay);
        Assert.Single(Server.Tasks);
    }

    [Fact]
    public async Task A_create_whose_answer_was_lost_is_replayed_on_retry_with_the_same_key()
    {
        Server.Options.Faults = new FaultOptions { FaultCreate = true, ServerErrorRate = 1 };
        var lost = await Client.CreateAsync(Body, idempotencyKey: "retry-after-5xx");
        Server.Options.Faults = new FaultOptions();
        var retried = await Client.CreateAsync(Body, idempotencyKey: "retry-after-5xx");

        Assert.Equal(HttpStatusCode.InternalServerError, lost.Status);
        Assert.Equal(HttpStatusCode.OK, retried.Status);
        Assert.True(retried.IsIdempotentReplay);
        Assert.Equal(Assert.Single(Server.Tasks).TaskId, retried.TaskId);
    }

    [Fact]
    public async Task A_create_whose_connection_was_dropped_is_replayed_on_retry_with_the_same_key()
    {
        Server.Options.Faults = new FaultOptions { FaultCreate = true, DropConnectionRate = 1 };
        await Assert.ThrowsAsync<HttpRequestException>(() => Client.CreateAsync(Body, idempotencyKey: "retry-after-drop"));
        Server.Options.Faults = new FaultOptions();
        var retried = await Client.CreateAsync(Body, idempotencyKey: "retry-after-drop");

        Assert.True(retried.IsIdempotentReplay);
        Assert.Equal(Assert.Single(Server.Tasks).TaskId, retried.TaskId);
    }

    [Fact]
    public async Task The_same_key_under_another_api_key_is_a_different_key()
    {
        var mine = await Client.CreateAsync(Body, TestKeys.AllModels, idempotencyKey: "shared-name");
        var theirs = await Client.CreateAsync(Body, TestKeys.TextOnly, idempotencyKey: "shared-name");
        var theirsOtherBody = await Client.CreateAsync(Body.Replace("calm", "wild"), TestKeys.LowBalance, idempotencyKey: "shared-name");

        Assert.Equal(HttpStatusCode.OK, theirs.Status);
        Assert.False(theirs.IsIdempotentReplay);
        Assert.NotEqual(mine.TaskId, theirs.TaskId);
        Assert.Equal(HttpStatusCode.OK, theirsOtherBody.Status);
        Assert.Equal(3, Server.Tasks.Count);
    }

    [Fact]
    public async Task A_key_longer_than_255_utf8_bytes_is_400()
    {
        var longest = await Client.CreateAsync(Body, idempotencyKey: new string('k', 255));
        var tooLong = await Client.CreateAsync(Body, idempotencyKey: new string('k', 256));
        var wideButShort = await Client.CreateAsync(Body, idempotencyKey: new string('é', 127));   // 254 bytes
        var wideAndLong = await Client.CreateAsync(Body, idempotencyKey: new string('é', 128));    // 256 bytes, 128 chars
        var empty = await Client.CreateAsync(Body, idempotencyKey: "");

        Assert.Equal(HttpStatusCode.OK, longest.Status);
        Assert.Equal(HttpStatusCode.OK, wideButShort.Status);
        const string expected =
            """{"code":400,"data":null,"error_code":"INVALID_REQUEST","message":"invalid request: Idempotency-Key must be at most 255 bytes"}""";
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.Status);
        Assert.Equal(expected, tooLong.Body);
        Assert.Equal(expected, wideAndLong.Body);
        Assert.Equal(HttpStatusCode.BadRequest, empty.Status);
        Assert.Equal("invalid request: Idempotency-Key must not be empty", empty.Message);
        Assert.Equal(2, Server.Tasks.Count);
    }
}
