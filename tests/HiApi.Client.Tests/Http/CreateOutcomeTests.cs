using System.Net;
using System.Net.Sockets;

namespace HiApi.Client.Tests;

/// <summary>
/// A create's outcome is the worst any attempt left: once an attempt may have created the task, later 503s, 429s, 409s or
/// even refusals do not prove that it did not (issue 15, cases 2 and 3). Only an answer with a task id settles it.
/// </summary>
public sealed class CreateOutcomeTests
{
    private const string Key = "hv1.0123456789abcdef0123456789abcdef01234567.1";
    private static readonly VideoRequest Request = new() { Prompt = "the pier at noon", Duration = 3 };

    private static HttpResponseMessage Dropped() =>
        throw new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely.", new IOException("reset", new SocketException((int)SocketError.ConnectionReset)));

    private static HttpResponseMessage Busy(int status) =>
        FakeHttpHandler.Json(status, status == 429
            ? """{"code":429,"data":null,"error_code":"RATE_LIMITED","message":"rate limit exceeded"}"""
            : """{"code":503,"data":null,"error_code":"SERVICE_UNAVAILABLE","message":"service unavailable"}""");

    [Theory]
    [InlineData(503)]
    [InlineData(429)]
    public async Task A_create_dropped_after_sending_and_then_only_refused_by_a_busy_server_may_have_created_the_task(int busy)
    {
        var handler = FakeHttpHandler.Sequence(Dropped, () => Busy(busy));
        var client = TestClients.Create(handler);

        var error = await Assert.ThrowsAsync<HiApiException>(() => client.CreateTaskAsync(Request, Key));

        Assert.True(error.TaskMayHaveBeenCreated);
        Assert.Equal(busy, error.StatusCode);
        Assert.Contains(Key, error.Message);
        Assert.Contains("the connection closed before the answer was complete", error.Message);
        Assert.Equal(6, handler.Count); // the first attempt and all 5 retries: the same key every time
        Assert.All(handler.Requests, request => Assert.Equal(Key, request.IdempotencyKey));
    }

    [Fact]
    public async Task A_slow_first_request_then_409_to_every_retry_may_have_created_the_task()
    {
        // The first attempt times out (the API is still making the task); every retry meets 409 PROCESSING.
        var handler = new FakeHttpHandler(async (_, index, ct) =>
        {
            if (index == 0)
            {
                await Task.Delay(Timeout.Infinite, ct);
            }

            return FakeHttpHandler.Json(409, """{"code":409,"data":null,"error_code":"IDEMPOTENCY_KEY_PROCESSING","message":"a request with this Idempotency-Key is still being processed"}""");
        });
        var client = TestClients.Create(handler, requestTimeout: TimeSpan.FromMilliseconds(200));

        var error = await Assert.ThrowsAsync<HiApiException>(() => client.CreateTaskAsync(Request, Key));

        Assert.True(error.TaskMayHaveBeenCreated);
        Assert.Equal(409, error.StatusCode);
        Assert.Equal(6, handler.Count);
    }

    [Fact]
    public async Task A_refusal_after_an_unknown_attempt_does_not_prove_nothing_was_created()
    {
        // 402 on a retry: the balance may be gone precisely because the first attempt created (and reserved for) the task.
        var handler = FakeHttpHandler.Sequence(
            Dropped,
            () => FakeHttpHandler.Json(402, """{"code":402,"data":null,"error_code":"INSUFFICIENT_BALANCE","message":"insufficient balance"}"""));
        var client = TestClients.Create(handler);

        var error = await Assert.ThrowsAsync<HiApiException>(() => client.CreateTaskAsync(Request, Key));

        Assert.True(error.TaskMayHaveBeenCreated);
        Assert.Equal(HiApiErrorKind.InsufficientBalance, error.Kind);
        Assert.Equal(2, handler.Count);
    }

    [Theory]
    [InlineData(503)]
    [InlineData(429)]
    public async Task A_create_only_ever_refused_by_a_busy_server_created_nothing(int busy)
    {
        var handler = FakeHttpHandler.Sequence(() => Busy(busy));
        var client = TestClients.Create(handler);

        var error = await Assert.ThrowsAsync<HiApiException>(() => client.CreateTaskAsync(Request, Key));

        Assert.False(error.TaskMayHaveBeenCreated);
        Assert.Equal(6, handler.Count);
    }

    [Fact]
    public async Task A_replayed_task_after_unknown_attempts_settles_the_outcome()
    {
        var handler = FakeHttpHandler.Sequence(Dropped, () => Busy(503), () =>
        {
            var replay = FakeHttpHandler.Json(200, ApiJson.Created("tk-the-one"));
            replay.Headers.Add("Idempotent-Replay", "true");
            return replay;
        });
        var client = TestClients.Create(handler);

        var task = await client.CreateTaskAsync(Request, Key);

        Assert.Equal("tk-the-one", task.TaskId);
        Assert.Equal(Key, task.IdempotencyKey);
        Assert.Same(Request, task.Request);
    }

    [Fact]
    public async Task The_body_sent_is_the_requests_body_byte_for_byte_on_every_attempt()
    {
        var stored = VideoRequest.FromBody("""{"model":"happyhorse-1.1/text-to-video","input":{"duration":3,"prompt":"fields in another order"}}""")!;
        var handler = FakeHttpHandler.Sequence(() => Busy(503), () => FakeHttpHandler.Json(200, ApiJson.Created("tk-1")));
        var client = TestClients.Create(handler);

        await client.CreateTaskAsync(stored, Key);

        Assert.All(handler.Requests, request => Assert.Equal(stored.BodyText, request.Body));
        Assert.Equal("fields in another order", stored.Prompt);
    }
}
