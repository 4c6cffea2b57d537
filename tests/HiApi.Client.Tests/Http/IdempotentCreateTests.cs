using System.Net;

namespace HiApi.Client.Tests;

/// <summary>
/// A create with an <c>Idempotency-Key</c> may be retried whatever happened to the first attempt, because the API
/// answers a repeated key with the task it already created; 409 means "still processing" and 422 is a client bug.
/// </summary>
public sealed class IdempotentCreateTests
{
    private const string Key = "hiapi-video-test-key-0001";

    private static VideoRequest Keyed() => new() { Prompt = "p" };

    [Fact]
    public async Task The_key_goes_in_the_header_and_not_in_the_body()
    {
        var handler = FakeHttpHandler.Sequence(() => FakeHttpHandler.Json(200, ApiJson.Created("tk-1")));
        var client = TestClients.Create(handler);

        var task = await client.CreateTaskAsync(Keyed(), Key);

        var request = Assert.Single(handler.Requests);
        Assert.Equal(Key, request.IdempotencyKey);
        Assert.DoesNotContain(Key, request.Body);
        Assert.Equal(Key, task.IdempotencyKey);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    public async Task A_5xx_is_retried_with_the_same_key(int status)
    {
        var handler = FakeHttpHandler.Sequence(
            () => FakeHttpHandler.Json(status, ApiJson.Internal),
            () => FakeHttpHandler.Json(200, ApiJson.Created("tk-once")));
        var client = TestClients.Create(handler);

        var task = await client.CreateTaskAsync(Keyed(), Key);

        Assert.Equal("tk-once", task.TaskId);
        Assert.Equal(2, handler.Count);
        Assert.All(handler.Requests, request => Assert.Equal(Key, request.IdempotencyKey));
        Assert.Equal(handler.Requests[0].Body, handler.Requests[1].Body);
    }

    [Fact]
    public async Task A_dropped_connection_and_a_timeout_are_retried_with_the_same_key()
    {
        var handler = new FakeHttpHandler(async (_, index, ct) =>
        {
            if (index == 0)
            {
                throw new HttpRequestException("The response ended prematurely.", new IOException("reset"));
            }

            if (index == 1)
            {
                await Task.Delay(Timeout.Infinite, ct);
            }

            return FakeHttpHandler.Json(200, ApiJson.Created("tk-third"));
        });
        // Long enough that the answering attempt never times out on a busy machine; the hanging one still does.
        var client = TestClients.Create(handler, requestTimeout: TimeSpan.FromMilliseconds(1500));

        var task = await client.CreateTaskAsync(Keyed(), Key);

        Assert.Equal("tk-third", task.TaskId);
        Assert.Equal(3, handler.Count);
        Assert.All(handler.Requests, request => Assert.Equal(Key, request.IdempotencyKey));
    }

    [Fact]
    public async Task A_409_while_the_first_request_is_processing_is_retried_after_Retry_After()
    {
        var delays = new System.Collections.Concurrent.ConcurrentQueue<TimeSpan>();
        var handler = FakeHttpHandler.Sequence(
            () =>
            {
                var busy = FakeHttpHandler.Json(409, """{"code":409,"data":null,"error_code":"IDEMPOTENCY_KEY_PROCESSING","message":"a request with this key is still being processed"}""");
                busy.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(2));
                return busy;
            },
            () => FakeHttpHandler.Json(200, ApiJson.Created("tk-processed")));
        var client = TestClients.Create(handler, TestClients.InstantRetries(delays));

        var task = await client.CreateTaskAsync(Keyed(), Key);

        Assert.Equal("tk-processed", task.TaskId);
        Assert.Equal(TimeSpan.FromSeconds(2), Assert.Single(delays));
    }

    [Fact]
    public async Task A_422_key_mismatch_is_an_idempotency_conflict_and_never_retried()
    {
        var handler = FakeHttpHandler.Sequence(() => FakeHttpHandler.Json(422,
            """{"code":422,"data":null,"error_code":"IDEMPOTENCY_KEY_MISMATCH","message":"this key was used with a different request body"}"""));
        var client = TestClients.Create(handler);

        var error = await Assert.ThrowsAsync<HiApiException>(() => client.CreateTaskAsync(Keyed(), Key));

        Assert.Equal(1, handler.Count);
        Assert.Equal(HiApiErrorKind.IdempotencyConflict, error.Kind);
        Assert.Equal("IDEMPOTENCY_KEY_MISMATCH", error.ErrorCode);
        Assert.False(error.TaskMayHaveBeenCreated);
        // The advice matches how keys are made: derived from the batch, the request and its occurrence, never random.
        Assert.Contains("derived from the batch, the request and its occurrence", error.Message);
        Assert.DoesNotContain("random", error.Message);
    }

    [Fact]
    public async Task An_outcome_still_unknown_after_every_retry_names_the_key_to_resend_with()
    {
        var handler = FakeHttpHandler.Sequence(() => FakeHttpHandler.Json(500, ApiJson.Internal));
        var client = TestClients.Create(handler, TestClients.InstantRetries(maxRetries: 2));

        var error = await Assert.ThrowsAsync<HiApiException>(() => client.CreateTaskAsync(Keyed(), Key));

        Assert.Equal(3, handler.Count);
        Assert.True(error.TaskMayHaveBeenCreated);
        Assert.Contains(Key, error.Message);
    }

    [Fact]
    public async Task A_replayed_answer_is_logged_as_nothing_new_charged()
    {
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var handler = FakeHttpHandler.Sequence(() =>
        {
            var replay = FakeHttpHandler.Json(200, ApiJson.Created("tk-first"));
            replay.Headers.Add("Idempotent-Replay", "true");
            return replay;
        });
        var client = TestClients.Create(handler, log: lines.Enqueue);

        var task = await client.CreateTaskAsync(Keyed(), Key);

        Assert.Equal("tk-first", task.TaskId);
        Assert.Contains(lines, line => line.Contains("Idempotent-Replay") && line.Contains("nothing new was charged"));
    }

    [Fact]
    public async Task A_key_over_255_bytes_is_refused_before_sending()
    {
        var handler = FakeHttpHandler.Sequence(() => FakeHttpHandler.Json(200, ApiJson.Created("tk-x")));
        var client = TestClients.Create(handler);

        var error = await Assert.ThrowsAsync<HiApiException>(() =>
            client.CreateTaskAsync(new VideoRequest { Prompt = "p" }, new string('k', 256)));

        Assert.Equal(0, handler.Count);
        Assert.Equal("invalid request: Idempotency-Key: must be 1 to 255 bytes", error.Message);
    }
}
