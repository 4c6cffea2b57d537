using System.Net;

namespace HiApi.Client.Tests;

/// <summary>Every response shape of the contract, and the odd ones a proxy can add.</summary>
public sealed class HiApiClientParsingTests
{
    private static async Task<HiApiException> GetFails(string body, int status, Action<HttpResponseMessage>? tweak = null)
    {
        var handler = new FakeHttpHandler((_, _) =>
        {
            var response = body.StartsWith('<') || body.Length == 0 ? FakeHttpHandler.Text(status, body) : FakeHttpHandler.Json(status, body);
            tweak?.Invoke(response);
            return response;
        });
        var client = TestClients.Create(handler, TestClients.InstantRetries(maxRetries: 0));
        return await Assert.ThrowsAsync<HiApiException>(() => client.GetTaskAsync("tk-hiapi-01"));
    }

    [Fact]
    public async Task Create_ReadsTheTaskId_AndKeepsTheRequest()
    {
        var handler = FakeHttpHandler.Sequence(() => FakeHttpHandler.Json(200, ApiJson.Created("tk-hiapi-01KW23VDG2EZ20J7RQH8S67MNC")));
        var start = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var client = TestClients.Create(handler, timeProvider: new ManualTimeProvider(start));

        var task = await client.CreateTaskAsync(new VideoRequest
        {
            Prompt = "a calm ocean wave", AspectRatio = "16:9", Resolution = "720p", Duration = 3, CallbackUrl = "https://example.com/hook",
        });

        Assert.Equal("tk-hiapi-01KW23VDG2EZ20J7RQH8S67MNC", task.TaskId);
        Assert.Equal(HiApiTaskStatus.Queued, task.Status);
        Assert.False(task.IsTerminal);
        Assert.Equal(HiApiModels.TextToVideo, task.Model);
        Assert.Equal(("a calm ocean wave", "16:9", "720p", 3, "https://example.com/hook"),
            (task.Prompt, task.AspectRatio, task.Resolution, task.Duration, task.CallbackUrl));
        Assert.Equal(start, task.SubmittedAt);
    }

    [Fact]
    public async Task Get_Handling_HasNoOutputs()
    {
        var client = TestClients.Create(FakeHttpHandler.Sequence(() => FakeHttpHandler.Json(200, ApiJson.Task("tk-1", "handling"))));

        var task = await client.GetTaskAsync("tk-1");

        Assert.Equal(HiApiTaskStatus.Handling, task.Status);
        Assert.Equal("handling", task.StatusText);
        Assert.Empty(task.Outputs);
        Assert.Null(task.VideoUrl);
        Assert.Null(task.Error);
        Assert.NotNull(task.RetrievedAt);
    }

    [Fact]
    public async Task Get_Success_ExposesTheVideoUrlAndExpiry()
    {
        const string body = """
            {"code":200,"data":{"status":"success","model":"happyhorse-1.1/image-to-video",
             "output":[{"type":"image","url":"https://temp.hiapi.ai/x/thumb.jpg","expireAt":1783131000},
                       {"type":"video","url":"https://temp.hiapi.ai/x/01KW.mp4","expireAt":1783131245}],
             "taskId":"tk-hiapi-01KW3D"}}
            """;
        var client = TestClients.Create(FakeHttpHandler.Sequence(() => FakeHttpHandler.Json(200, body)));

        var task = await client.GetTaskAsync("tk-hiapi-01KW3D");

        Assert.Equal(HiApiTaskStatus.Success, task.Status);
        Assert.True(task.IsTerminal);
        Assert.Equal(HiApiModels.ImageToVideo, task.Model);
        Assert.Equal(2, task.Outputs.Count);
        Assert.Equal("https://temp.hiapi.ai/x/01KW.mp4", task.VideoUrl);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1783131245), task.ExpiresAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1783131000), task.Outputs[0].ExpiresAt);
    }

    [Fact]
    public async Task Get_Fail_CarriesTheTaskError()
    {
        var client = TestClients.Create(FakeHttpHandler.Sequence(() =>
            FakeHttpHandler.Json(200, ApiJson.Failed("tk-1", "generation_failed", "the model could not render this prompt"))));

        var task = await client.GetTaskAsync("tk-1");

        Assert.Equal(HiApiTaskStatus.Fail, task.Status);
        Assert.True(task.IsTerminal);
        Assert.Equal("generation_failed", task.Error!.Code);
        Assert.Equal("the model could not render this prompt", task.Error.Message);
    }

    [Fact]
    public async Task Get_UnknownFieldsAreIgnored_AndANewStatusIsUnknown()
    {
        const string body = """
            {"code":200,"request_id":"r-1","data":{"taskId":"tk-1","status":"upscaling","progress":0.4,
             "billing":{"credits":3},"output":[],"storage":"permanent"},"message":"success","extra":[1,2]}
            """;
        var client = TestClients.Create(FakeHttpHandler.Sequence(() => FakeHttpHandler.Json(200, body)));

        var task = await client.GetTaskAsync("tk-1");

        Assert.Equal(HiApiTaskStatus.Unknown, task.Status);
        Assert.Equal("upscaling", task.StatusText);
        Assert.False(task.IsTerminal);
        Assert.Equal("tk-1 Unknown(upscaling)", task.ToString());
    }

    [Fact]
    public async Task Get_MissingTaskId_FallsBackToTheIdAskedFor()
    {
        var client = TestClients.Create(FakeHttpHandler.Sequence(() =>
            FakeHttpHandler.Json(200, """{"code":200,"data":{"status":"queued"}}""")));

        var task = await client.GetTaskAsync("tk-asked");

        Assert.Equal("tk-asked", task.TaskId);
        Assert.Equal(HiApiTaskStatus.Queued, task.Status);
    }

    [Fact]
    public async Task Get_EscapesTheTaskIdInThePath()
    {
        var handler = FakeHttpHandler.Sequence(() => FakeHttpHandler.Json(200, ApiJson.Task("a/b?c", "queued")));
        var client = TestClients.Create(handler);

        await client.GetTaskAsync("a/b?c");

        Assert.Equal("/v1/tasks/a%2Fb%3Fc", handler.Requests[0].Uri.AbsolutePath);
        Assert.Equal("", handler.Requests[0].Uri.Query);
    }

    [Fact]
    public async Task BadRequest_MessageIsTheServersText_WithFieldErrors()
    {
        const string message = "invalid input: aspect_ratio: value must be one of '16:9', '9:16', '3:4', '4:3', '4:5', '5:4', '1:1', '9:21', '21:9'; resolution: value must be one of '720p', '1080p'; duration: maximum: got 99, want 15";

        var exception = await GetFails(ApiJson.BadRequest(message), 400);

        Assert.Equal(HiApiErrorKind.InvalidRequest, exception.Kind);
        Assert.Equal(400, exception.StatusCode);
        Assert.Equal("INVALID_REQUEST", exception.ErrorCode);
        Assert.Equal(message, exception.Message);
        Assert.Equal(new[] { "aspect_ratio", "resolution", "duration" }, exception.FieldErrors.Select(e => e.Field));
        Assert.Equal("maximum: got 99, want 15", exception.FieldErrors[2].Message);
    }

    [Fact]
    public async Task BadRequest_WithoutData_AsSeed003ShowsIt()
    {
        var exception = await GetFails("""{"code":400,"error_code":"INVALID_REQUEST","message":"invalid callback.when: only 'final' is supported"}""", 400);

        Assert.Equal("invalid callback.when: only 'final' is supported", exception.Message);
        Assert.Equal("callback.when", Assert.Single(exception.FieldErrors).Field);
    }

    [Fact]
    public async Task Unauthorized_HasTheNestedErrorShape()
    {
        var exception = await GetFails(ApiJson.PermissionDenied, 401);

        Assert.Equal(HiApiErrorKind.Unauthorized, exception.Kind);
        Assert.Equal(401, exception.StatusCode);
        Assert.Equal("permission_denied", exception.ErrorCode);
        Assert.Contains("This API key cannot use the selected model", exception.Message);
        Assert.Contains("tk-hiapi-01", exception.Message);
        Assert.Equal("tk-hiapi-01", exception.TaskId);
    }

    [Fact]
    public async Task InsufficientBalance_SaysWhatToDo()
    {
        var exception = await GetFails(ApiJson.InsufficientBalance, 402);

        Assert.Equal(HiApiErrorKind.InsufficientBalance, exception.Kind);
        Assert.Equal("INSUFFICIENT_BALANCE", exception.ErrorCode);
        Assert.Contains("insufficient balance: need 1.50, have 0.20", exception.Message);
        Assert.Contains("top up", exception.Message);
    }

    [Fact]
    public async Task NotFound_NamesTheTask()
    {
        var exception = await GetFails(ApiJson.NotFound, 404);

        Assert.Equal(HiApiErrorKind.NotFound, exception.Kind);
        Assert.Equal("NOT_FOUND", exception.ErrorCode);
        Assert.StartsWith("Task tk-hiapi-01: HiAPI answered 404 Not Found (NOT_FOUND): task not found.", exception.Message);
    }

    [Fact]
    public async Task RateLimited_ReadsRetryAfterSeconds()
    {
        var exception = await GetFails(ApiJson.RateLimited, 429, r => r.Headers.TryAddWithoutValidation("Retry-After", "7"));

        Assert.Equal(HiApiErrorKind.RateLimited, exception.Kind);
        Assert.Equal("RATE_LIMITED", exception.ErrorCode);
        Assert.Equal(TimeSpan.FromSeconds(7), exception.RetryAfter);
    }

    [Fact]
    public async Task RateLimited_ReadsRetryAfterAsAnHttpDate()
    {
        var start = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var handler = FakeHttpHandler.Sequence(() =>
        {
            var response = FakeHttpHandler.Json(429, ApiJson.RateLimited);
            response.Headers.TryAddWithoutValidation("Retry-After", start.AddSeconds(42).ToString("r"));
            return response;
        });
        var client = TestClients.Create(handler, TestClients.InstantRetries(maxRetries: 0), timeProvider: new ManualTimeProvider(start));

        var exception = await Assert.ThrowsAsync<HiApiException>(() => client.GetTaskAsync("tk-1"));

        Assert.Equal(TimeSpan.FromSeconds(42), exception.RetryAfter);
    }

    [Theory]
    [InlineData(500, "INTERNAL_ERROR")]
    [InlineData(503, "SERVICE_UNAVAILABLE")]
    public async Task ServerErrors_InTheJsonEnvelope(int status, string code)
    {
        var exception = await GetFails(status == 500 ? ApiJson.Internal : ApiJson.Unavailable, status);

        Assert.Equal(HiApiErrorKind.ServerError, exception.Kind);
        Assert.Equal(status, exception.StatusCode);
        Assert.Equal(code, exception.ErrorCode);
    }

    [Fact]
    public async Task HtmlBadGateway_GivesAReadableMessage()
    {
        var exception = await GetFails(ApiJson.BadGatewayHtml, 502);

        Assert.Equal(HiApiErrorKind.ServerError, exception.Kind);
        Assert.Equal(502, exception.StatusCode);
        Assert.Null(exception.ErrorCode);
        Assert.Equal("HiAPI answered 502 Bad Gateway with a non-JSON body: 502 Bad Gateway.", exception.Message);
    }

    [Fact]
    public async Task HtmlWithoutTitle_IsStrippedAndShortened()
    {
        var html = "<html><body><script>var x = 1;</script><p>The   upstream &amp; proxy</p>" + new string('x', 400) + "</body></html>";

        var exception = await GetFails(html, 504);

        Assert.StartsWith("HiAPI answered 504 Gateway Timeout with a non-JSON body: The upstream & proxy xxx", exception.Message);
        Assert.DoesNotContain("<", exception.Message);
        Assert.DoesNotContain("var x", exception.Message);
        Assert.True(exception.Message.Length < 300);
    }

    [Fact]
    public async Task EmptyErrorBody_IsSaidPlainly()
    {
        var exception = await GetFails("", 500);

        Assert.Equal("HiAPI answered 500 Internal Server Error with an empty body.", exception.Message);
    }

    [Fact]
    public async Task OkWithAnErrorCode_IsAnError()
    {
        var client = TestClients.Create(
            FakeHttpHandler.Sequence(() => FakeHttpHandler.Json(200, ApiJson.InsufficientBalance)),
            TestClients.InstantRetries(maxRetries: 0));

        var exception = await Assert.ThrowsAsync<HiApiException>(() => client.CreateTaskAsync(new VideoRequest { Prompt = "p" }));

        Assert.Equal(HiApiErrorKind.InsufficientBalance, exception.Kind);
        Assert.Equal(402, exception.StatusCode);
        Assert.False(exception.TaskMayHaveBeenCreated);
    }

    [Fact]
    public async Task OkWithNonJsonBody_IsAnInvalidResponse()
    {
        var client = TestClients.Create(FakeHttpHandler.Sequence(() => FakeHttpHandler.Text(200, "<html><title>Captive portal</title></html>")));

        var exception = await Assert.ThrowsAsync<HiApiException>(() => client.GetTaskAsync("tk-1"));

        Assert.Equal(HiApiErrorKind.InvalidResponse, exception.Kind);
        Assert.Contains("Captive portal", exception.Message);
    }

    [Fact]
    public async Task OkWithoutData_IsAnInvalidResponse()
    {
        var client = TestClients.Create(FakeHttpHandler.Sequence(() => FakeHttpHandler.Json(200, """{"code":200,"data":null}""")));

        var exception = await Assert.ThrowsAsync<HiApiException>(() => client.GetTaskAsync("tk-1"));

        Assert.Equal(HiApiErrorKind.InvalidResponse, exception.Kind);
    }

    [Fact]
    public async Task OkForAnotherTask_IsAnInvalidResponse()
    {
        var client = TestClients.Create(FakeHttpHandler.Sequence(() => FakeHttpHandler.Json(200, ApiJson.Task("tk-other", "queued"))));

        var exception = await Assert.ThrowsAsync<HiApiException>(() => client.GetTaskAsync("tk-1"));

        Assert.Equal(HiApiErrorKind.InvalidResponse, exception.Kind);
        Assert.Contains("tk-other", exception.Message);
    }

    [Fact]
    public async Task CreateAnswerWithoutTaskId_MayHaveCreatedATask()
    {
        var client = TestClients.Create(FakeHttpHandler.Sequence(() => FakeHttpHandler.Json(200, """{"code":200,"data":{},"message":"success"}""")));

        var exception = await Assert.ThrowsAsync<HiApiException>(() => client.CreateTaskAsync(new VideoRequest { Prompt = "p" }));

        Assert.Equal(HiApiErrorKind.InvalidResponse, exception.Kind);
        Assert.True(exception.TaskMayHaveBeenCreated);
        Assert.Contains("may have been created", exception.Message);
    }

    [Fact]
    public async Task UnexpectedRedirect_IsNotFollowed()
    {
        var handler = FakeHttpHandler.Sequence(() =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.Found);
            response.Headers.Location = new Uri("https://elsewhere.example.com/v1/tasks/tk-1");
            return response;
        });
        var client = TestClients.Create(handler);

        var exception = await Assert.ThrowsAsync<HiApiException>(() => client.GetTaskAsync("tk-1"));

        Assert.Equal(HiApiErrorKind.InvalidResponse, exception.Kind);
        Assert.Equal(302, exception.StatusCode);
        Assert.Single(handler.Requests);
    }
}
