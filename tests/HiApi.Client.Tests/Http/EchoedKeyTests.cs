using System.Collections.Concurrent;
using System.Net;
using HiApi.Client.Tests.Ledger;

namespace HiApi.Client.Tests;

/// <summary>
/// A server that knows the key (it was sent to it) and echoes it anywhere in its answers: as an error code, in a
/// message, in the reason phrase, in a failed task's error, in any field of a task. The key must then reach none of what
/// a user can see or keep: the exception (every property, the inner ones, ToString), the retry events, the log lines,
/// the task object, and the ledger file written by the session.
/// </summary>
public sealed class EchoedKeyTests : IDisposable
{
    private const string Key = TestClients.Key;
    private const string Echo = "your header was: Bearer " + Key;

    private readonly LedgerTestFolder _folder = new();
    private readonly ConcurrentQueue<string> _log = new();
    private readonly ConcurrentQueue<RetryingEventArgs> _retries = new();

    public void Dispose() => _folder.Dispose();

    public static TheoryData<int, string> RefusalsEchoingTheKey => new()
    {
        { 400, $$"""{"code":400,"data":null,"error_code":"{{Key}}","message":"{{Echo}}"}""" },
        { 401, $$$"""{"error":{"code":"{{{Key}}}","message":"{{{Echo}}}","type":"hiapi_error"}}""" },
        { 402, $$"""{"code":402,"data":null,"error_code":"Bearer {{Key}}","message":"{{Echo}}"}""" },
        { 403, $$"""{"code":403,"data":null,"error_code":"{{Key}}"}""" },
        { 422, $$"""{"code":422,"data":null,"error_code":"{{Key}}","message":"{{Echo}}"}""" },
        // A 200 whose envelope says 400: the envelope is the answer.
        { 200, $$"""{"code":400,"data":null,"error_code":"{{Key}}","message":"{{Echo}}"}""" },
    };

    [Theory]
    [MemberData(nameof(RefusalsEchoingTheKey))]
    public async Task A_refusal_whose_error_code_or_message_echoes_the_key_shows_it_nowhere(int status, string body)
    {
        var handler = FakeHttpHandler.Sequence(() => FakeHttpHandler.Json(status, body));
        var (session, client) = NewSession(handler, maxRetries: 0);

        var refused = await Assert.ThrowsAsync<HiApiException>(() => session.SubmitAsync(new VideoRequest { Prompt = "refused", Duration = 3 }));
        var read = await Assert.ThrowsAsync<HiApiException>(() => client.GetTaskAsync("tk-1"));

        Assert.False(refused.TaskMayHaveBeenCreated);
        Assert.NotNull(refused.ErrorCode);
        SecretScan.AssertNoKey(Key, refused, read, _log, _retries);
        SecretScan.AssertNoRun(Key, LedgerText());
        Assert.Contains("sk-...redacted", refused.ErrorCode);
    }

    [Fact]
    public async Task A_reason_phrase_that_echoes_the_key_before_a_refusal_shows_it_nowhere()
    {
        // The first attempt ends with a 500 (it may have created the task) whose reason phrase echoes the header; the
        // retry is refused. The error says what the first attempt ended with: in words without the key.
        var handler = FakeHttpHandler.Sequence(
            () => new HttpResponseMessage(HttpStatusCode.InternalServerError) { ReasonPhrase = $"echo Bearer {Key}", Content = new StringContent("") },
            () => FakeHttpHandler.Json(400, ApiJson.BadRequest("prompt: too dull")));
        var (session, _) = NewSession(handler, maxRetries: 1);

        var unknown = await Assert.ThrowsAsync<HiApiException>(() => session.SubmitAsync(new VideoRequest { Prompt = "reason", Duration = 3 }));

        Assert.True(unknown.TaskMayHaveBeenCreated);
        Assert.Single(_retries);
        Assert.Contains("sk-...redacted", unknown.Message);
        SecretScan.AssertNoKey(Key, unknown, _log, _retries);
        SecretScan.AssertNoRun(Key, LedgerText());
    }

    public static TheoryData<string> FirstAttemptsEchoingTheKey => new() { "reason phrase", "proxy exception" };

    [Theory]
    [MemberData(nameof(FirstAttemptsEchoingTheKey))]
    public async Task A_retry_event_never_carries_the_key_the_failed_attempt_echoed(string how)
    {
        var handler = new FakeHttpHandler((_, index) => index switch
        {
            0 when how == "reason phrase" =>
                new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { ReasonPhrase = $"Bearer {Key}", Content = new StringContent("") },
            0 => throw new HttpRequestException($"proxy said: {Echo}"),
            _ => FakeHttpHandler.Json(200, ApiJson.Task("tk-1", "handling")),
        });
        var (_, client) = NewSession(handler, maxRetries: 2);

        var task = await client.GetTaskAsync("tk-1");

        Assert.Equal(HiApiTaskStatus.Handling, task.Status);
        var retry = Assert.Single(_retries);
        Assert.Contains("sk-...redacted", retry.Reason);
        SecretScan.AssertNoKey(Key, _retries, _log, task);
    }

    [Fact]
    public async Task A_failed_tasks_error_that_echoes_the_key_reaches_no_task_error_or_ledger_line()
    {
        var handler = new FakeHttpHandler((request, _) => request.Method == HttpMethod.Post
            ? FakeHttpHandler.Json(200, ApiJson.Created("tk-1"))
            : FakeHttpHandler.Json(200, ApiJson.Failed("tk-1", Key, Echo)));
        var (session, _) = NewSession(handler, maxRetries: 0);
        await session.SubmitAsync(new VideoRequest { Prompt = "will fail", Duration = 3 });

        var failed = await session.GetAsync("tk-1");
        var error = TaskWaiter.TaskFailedError(failed);

        Assert.Equal(HiApiTaskStatus.Fail, failed.Status);
        Assert.Equal("sk-...redacted", failed.Error!.Code);
        SecretScan.AssertNoKey(Key, failed, error, _log);
        SecretScan.AssertNoRun(Key, LedgerText());
        Assert.Contains("sk-...redacted", LedgerText());
    }

    public static TheoryData<string> TaskTextFields => new() { "model", "status", "storage", "type" };

    [Theory]
    [MemberData(nameof(TaskTextFields))]
    public async Task Any_task_text_that_echoes_the_key_is_redacted_in_the_task_and_the_ledger(string field)
    {
        string Value(string name, string normal) => name == field ? $"echo {Key}" : normal;
        var answer = $$"""
            {"code":200,"data":{"taskId":"tk-1","model":"{{Value("model", HiApiModels.TextToVideo)}}","status":"{{Value("status", "success")}}",
            "storage":"{{Value("storage", "temp")}}","output":[{"type":"{{Value("type", "video")}}","url":"https://cdn.example.test/v.mp4","expireAt":4102444800}]},
            "message":"success"}
            """;
        var handler = new FakeHttpHandler((request, _) => request.Method == HttpMethod.Post
            ? FakeHttpHandler.Json(200, ApiJson.Created("tk-1"))
            : FakeHttpHandler.Json(200, answer));
        var (session, _) = NewSession(handler, maxRetries: 0);
        await session.SubmitAsync(new VideoRequest { Prompt = "fields", Duration = 3 });

        var task = await session.GetAsync("tk-1");

        SecretScan.AssertNoKey(Key, task, _log);
        SecretScan.AssertNoRun(Key, LedgerText());
    }

    [Fact]
    public async Task A_created_task_id_that_holds_the_key_is_refused_and_never_recorded()
    {
        var handler = FakeHttpHandler.Sequence(() => FakeHttpHandler.Json(200, ApiJson.Created($"tk-{Key}")));
        var (session, _) = NewSession(handler, maxRetries: 0);

        var refused = await Assert.ThrowsAsync<HiApiException>(() => session.SubmitAsync(new VideoRequest { Prompt = "id", Duration = 3 }));

        Assert.Equal(HiApiErrorKind.InvalidResponse, refused.Kind);
        Assert.True(refused.TaskMayHaveBeenCreated);
        SecretScan.AssertNoKey(Key, refused, _log);
        SecretScan.AssertNoRun(Key, LedgerText());
    }

    [Fact]
    public async Task A_listed_task_id_that_holds_the_key_is_refused_and_never_recorded()
    {
        var listing = $$$"""{"code":200,"data":{"tasks":[{"taskId":"tk-{{{Key}}}","model":"{{{HiApiModels.TextToVideo}}}","status":"success","output":[]}],"page":1,"size":100,"total":1}}""";
        var handler = FakeHttpHandler.Sequence(() => FakeHttpHandler.Json(200, listing));
        var (session, _) = NewSession(handler, maxRetries: 0);
        session.RecordBatchStarted("b", named: true); // the ledger file exists before the reconcile

        var refused = await Assert.ThrowsAsync<HiApiException>(() => session.ReconcileAsync(DateTimeOffset.UtcNow.AddDays(-1)));

        Assert.Equal(HiApiErrorKind.InvalidResponse, refused.Kind);
        SecretScan.AssertNoKey(Key, refused, _log);
        SecretScan.AssertNoRun(Key, LedgerText());
    }

    [Fact]
    public async Task A_video_url_that_holds_the_key_is_refused_and_never_recorded()
    {
        var handler = new FakeHttpHandler((request, _) => request.Method == HttpMethod.Post
            ? FakeHttpHandler.Json(200, ApiJson.Created("tk-1"))
            : FakeHttpHandler.Json(200, ApiJson.Success("tk-1", $"https://cdn.example.test/v.mp4?k={Key}", 4102444800)));
        var (session, _) = NewSession(handler, maxRetries: 0);
        await session.SubmitAsync(new VideoRequest { Prompt = "url", Duration = 3 });

        var refused = await Assert.ThrowsAsync<HiApiException>(() => session.GetAsync("tk-1"));

        Assert.Equal(HiApiErrorKind.InvalidResponse, refused.Kind);
        Assert.Equal("tk-1", refused.TaskId);
        SecretScan.AssertNoKey(Key, refused, _log);
        SecretScan.AssertNoRun(Key, LedgerText());
    }

    private (HiApiSession Session, HiApiClient Client) NewSession(FakeHttpHandler handler, int maxRetries)
    {
        var client = TestClients.Create(handler, TestClients.InstantRetries(maxRetries: maxRetries), log: _log.Enqueue);
        client.Retrying += (_, e) => _retries.Enqueue(e);
        return (new HiApiSession(client, new TaskLedger(_folder.LedgerPath)), client);
    }

    /// <summary>Every file the ledger wrote (the ledger, its lock, anything beside it), as text.</summary>
    private string LedgerText() => string.Join('\n', Directory.EnumerateFiles(_folder.FolderPath, "*", SearchOption.AllDirectories).Select(File.ReadAllText));
}
