using System.Text;

namespace HiApi.Client.Tests;

public sealed class CallbackParserTests
{
    private const string SuccessData =
        """{"taskId":"tk-hiapi-01KW3DCALLBACK","model":"happyhorse-1.1/image-to-video","status":"success","storage":"temp","output":[{"type":"video","url":"https://temp.hiapi.ai/x/01KW.mp4","expireAt":1783131245}]}""";

    [Fact]
    public void WrappedBody_LikeTheGetEnvelope_IsRead()
    {
        var before = DateTimeOffset.UtcNow;

        var task = CallbackParser.Parse($$"""{"code":200,"data":{{SuccessData}},"message":"success"}""");

        Assert.Equal("tk-hiapi-01KW3DCALLBACK", task.TaskId);
        Assert.Equal(HiApiModels.ImageToVideo, task.Model);
        Assert.Equal(HiApiTaskStatus.Success, task.Status);
        Assert.Equal("https://temp.hiapi.ai/x/01KW.mp4", task.VideoUrl);
        Assert.Equal(1783131245, task.ExpiresAt!.Value.ToUnixTimeSeconds());
        Assert.InRange(task.RetrievedAt!.Value, before, DateTimeOffset.UtcNow);
    }

    [Fact]
    public void BareBody_AsTheSeedReceiverAccepts_IsRead()
    {
        var task = CallbackParser.Parse(Encoding.UTF8.GetBytes(SuccessData));

        Assert.Equal("tk-hiapi-01KW3DCALLBACK", task.TaskId);
        Assert.Equal(HiApiTaskStatus.Success, task.Status);
        Assert.Equal("https://temp.hiapi.ai/x/01KW.mp4", task.VideoUrl);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void FailedTask_KeepsTheErrorCodeAndMessage(bool wrapped)
    {
        const string data = """{"taskId":"tk-f","model":"happyhorse-1.1/text-to-video","status":"fail","storage":"temp","output":[],"error":{"code":"generation_failed","message":"the model could not generate a video for this prompt"}}""";

        var task = CallbackParser.Parse(wrapped ? $$"""{"code":200,"data":{{data}},"message":"success"}""" : data);

        Assert.Equal(HiApiTaskStatus.Fail, task.Status);
        Assert.Equal("generation_failed", task.Error!.Code);
        Assert.Equal("the model could not generate a video for this prompt", task.Error.Message);
        Assert.Null(task.VideoUrl);
    }

    [Fact]
    public void UnknownStatus_IsKeptAsText_NotRejected()
    {
        var task = CallbackParser.Parse("""{"taskId":"tk-u","status":"paused"}""");

        Assert.Equal(HiApiTaskStatus.Unknown, task.Status);
        Assert.Equal("paused", task.StatusText);
        Assert.False(task.IsTerminal);
    }

    [Fact]
    public void ByteOrderMark_IsTolerated()
    {
        var body = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes(SuccessData)).ToArray();

        Assert.Equal("tk-hiapi-01KW3DCALLBACK", CallbackParser.Parse(body).TaskId);
    }

    [Theory]
    [InlineData("", "the body is empty")]
    [InlineData("  \r\n ", "the body is empty")]
    [InlineData("not json", "the body is not valid JSON")]
    [InlineData("{\"taskId\":", "the body is not valid JSON")]
    [InlineData("[]", "the body is a JSON array, not an object")]
    [InlineData("42", "the body is a JSON number, not an object")]
    [InlineData("\"tk-1\"", "the body is a JSON string, not an object")]
    [InlineData("{\"taskId\":\"a\"} {\"taskId\":\"b\"}", "the body continues after its JSON value")]
    [InlineData("{\"code\":200,\"data\":\"tk-1\",\"message\":\"success\"}", "the envelope's data is a JSON string, not an object")]
    [InlineData("{\"code\":200,\"data\":[],\"message\":\"success\"}", "the envelope's data is a JSON array, not an object")]
    [InlineData("{\"code\":200,\"data\":null,\"message\":\"success\"}", "the envelope's data is null")]
    [InlineData("{\"code\":200,\"message\":\"success\"}", "the envelope has no data")]
    [InlineData("{\"code\":500,\"data\":null,\"error_code\":\"INTERNAL_ERROR\",\"message\":\"internal error\"}", "the envelope's code is 500, not 200 (message: internal error)")]
    [InlineData("{\"code\":404,\"data\":{\"taskId\":\"tk-1\",\"status\":\"success\"}}", "the envelope's code is 404, not 200")]
    [InlineData("{\"status\":\"success\"}", "the task has no taskId")]
    [InlineData("{\"code\":200,\"data\":{\"status\":\"success\"}}", "the task has no taskId")]
    [InlineData("{\"taskId\":42,\"status\":\"success\"}", "the task's taskId is a JSON number, not a string")]
    [InlineData("{\"taskId\":\"  \",\"status\":\"success\"}", "the task's taskId is empty")]
    [InlineData("{\"taskId\":\"tk-1\",\"status\":\"success\",\"output\":\"https://x/v.mp4\"}", "a field has the wrong type ($.output)")]
    [InlineData("{\"code\":200,\"data\":{\"taskId\":\"tk-1\",\"status\":7}}", "a field has the wrong type ($.data.status)")]
    public void MalformedBody_IsAnInvalidResponse_NamingTheProblemAndQuotingTheBody(string body, string expectedProblem)
    {
        var error = Assert.Throws<HiApiException>(() => CallbackParser.Parse(body));

        Assert.Equal(HiApiErrorKind.InvalidResponse, error.Kind);
        Assert.StartsWith("The callback body is not a HiAPI task: ", error.Message);
        Assert.Contains(expectedProblem, error.Message);
        Assert.Contains(body.Length == 0 ? "(empty)" : body.Replace("\r", " ").Replace("\n", " "), error.Message);
    }

    [Fact]
    public void ImplausibleTaskIds_AreRejected_SoTheyCannotReachLogsOrFileNames()
    {
        var huge = Assert.Throws<HiApiException>(() => CallbackParser.Parse($$"""{"taskId":"{{new string('a', TaskIds.MaxLength + 1)}}","status":"success"}"""));
        var escape = Assert.Throws<HiApiException>(() => CallbackParser.Parse("""{"taskId":"tk-\u001b[2J","status":"success"}"""));

        Assert.Contains($"not a plausible id ({TaskIds.MaxLength + 1} characters)", huge.Message);
        Assert.Contains("not a plausible id (7 characters, control characters)", escape.Message);
        Assert.Equal(new string('a', TaskIds.MaxLength), CallbackParser.Parse($$"""{"taskId":"{{new string('a', TaskIds.MaxLength)}}"}""").TaskId);
    }

    [Fact]
    public void HugeMalformedBody_IsQuotedOnlyInPart()
    {
        var body = "<html>" + new string('x', 20_000) + "</html>";

        var error = Assert.Throws<HiApiException>(() => CallbackParser.Parse(body));

        Assert.Contains("'<html>xxxx", error.Message);
        Assert.Contains($"...' ({body.Length} bytes)", error.Message);
        Assert.DoesNotContain("</html>", error.Message);
        Assert.True(error.Message.Length < 400, $"message of {error.Message.Length} characters");
    }

    [Fact]
    public void ControlCharactersOfTheBody_DoNotReachTheMessage()
    {
        var error = Assert.Throws<HiApiException>(() => CallbackParser.Parse("bad\u001b[31mred\nline"));

        Assert.DoesNotContain('\u001b', error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains("bad [31mred line", error.Message);
    }
}
