namespace HiApi.Client.Tests;

/// <summary>
/// 403 is another refusal of the key or the account (not allowed, or out of quota): like 401 it is never retried,
/// whatever its body, and its message says what to check.
/// </summary>
public sealed class ForbiddenTests
{
    public static TheoryData<string, string> Bodies => new()
    {
        { "application/json", """{"error":{"code":"permission_denied","message":"This API key cannot use the selected model","type":"hiapi_error"}}""" },
        { "application/json", """{"code":403,"data":null,"error_code":"FORBIDDEN","message":"account suspended"}""" },
        { "text/html", "<html><head><title>403 Forbidden</title></head><body>Access denied</body></html>" },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task A403_OnAGet_IsNotRetried_AndSaysToCheckTheKeyTheModelAndTheQuota(string mediaType, string body)
    {
        var handler = FakeHttpHandler.Sequence(() => FakeHttpHandler.Text(403, body, mediaType));
        var client = TestClients.Create(handler);

        var exception = await Assert.ThrowsAsync<HiApiException>(() => client.GetTaskAsync("tk-1"));

        Assert.Equal(1, handler.Count);
        Assert.Equal(HiApiErrorKind.Unauthorized, exception.Kind);
        Assert.Equal(403, exception.StatusCode);
        Assert.Contains("Check the API key", exception.Message);
        Assert.Contains("may use this model", exception.Message);
        Assert.Contains("quota", exception.Message);
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task A403_OnACreate_IsNotRetried_AndNoTaskWasCreated(string mediaType, string body)
    {
        var handler = FakeHttpHandler.Sequence(() => FakeHttpHandler.Text(403, body, mediaType));
        var client = TestClients.Create(handler);

        var exception = await Assert.ThrowsAsync<HiApiException>(() => client.CreateTaskAsync(new VideoRequest { Prompt = "p" }));

        Assert.Equal(1, handler.Count);
        Assert.Equal(HiApiErrorKind.Unauthorized, exception.Kind);
        Assert.False(exception.TaskMayHaveBeenCreated);
        Assert.Contains("quota", exception.Message);
    }

    [Fact]
    public async Task A401_KeepsItsOwnAdvice_WithoutTheQuota()
    {
        var handler = FakeHttpHandler.Sequence(() => FakeHttpHandler.Json(401, ApiJson.PermissionDenied));
        var client = TestClients.Create(handler);

        var exception = await Assert.ThrowsAsync<HiApiException>(() => client.GetTaskAsync("tk-1"));

        Assert.Contains("Check the API key (-ApiKey, HIAPI_API_KEY or HIAPI_KEY) and that it may use this model.", exception.Message);
        Assert.DoesNotContain("quota", exception.Message);
    }
}
