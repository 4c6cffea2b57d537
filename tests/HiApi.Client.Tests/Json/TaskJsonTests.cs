using System.Text;
using System.Text.Json;

namespace HiApi.Client.Tests;

public sealed class TaskJsonTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("1783131245", 1783131245L)]
    [InlineData("\"1783131245\"", 1783131245L)]
    [InlineData("1783131245.6", 1783131245L)]
    [InlineData("1783131245000", 1783131245L)]
    public void ExpireAt_IsUnixSeconds_ToleratingStringsFractionsAndMilliseconds(string raw, long expectedSeconds)
    {
        using var document = JsonDocument.Parse(raw);

        var parsed = TaskJson.ParseExpireAt(document.RootElement.Clone());

        Assert.Equal(expectedSeconds, parsed!.Value.ToUnixTimeSeconds());
    }

    [Theory]
    [InlineData("null")]
    [InlineData("\"soon\"")]
    [InlineData("0")]
    [InlineData("{}")]
    public void ExpireAt_Unreadable_IsNull(string raw)
    {
        using var document = JsonDocument.Parse(raw);

        Assert.Null(TaskJson.ParseExpireAt(document.RootElement.Clone()));
    }

    [Fact]
    public void CallbackBody_InTheEnvelope_IsRead()
    {
        var body = Encoding.UTF8.GetBytes(ApiJson.Success("tk-1", "https://t.example/v.mp4", 1783131245));

        var task = TaskJson.ParseTaskBody(body, null, Now, SecretRedactor.None)!;

        Assert.Equal("tk-1", task.TaskId);
        Assert.Equal(HiApiTaskStatus.Success, task.Status);
        Assert.Equal("https://t.example/v.mp4", task.VideoUrl);
        Assert.Equal(Now, task.RetrievedAt);
    }

    [Fact]
    public void CallbackBody_Bare_IsRead()
    {
        var body = Encoding.UTF8.GetBytes("""{"taskId":"tk-2","status":"fail","error":{"code":"generation_failed","message":"nope"}}""");

        var task = TaskJson.ParseTaskBody(body, null, Now, SecretRedactor.None)!;

        Assert.Equal("tk-2", task.TaskId);
        Assert.Equal(HiApiTaskStatus.Fail, task.Status);
        Assert.Equal("generation_failed", task.Error!.Code);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{\"status\":\"success\"}")]
    public void CallbackBody_WithoutATask_IsNull(string raw) =>
        Assert.Null(TaskJson.ParseTaskBody(Encoding.UTF8.GetBytes(raw), null, Now, SecretRedactor.None));

    [Fact]
    public void NumericErrorCodes_AreKeptAsText()
    {
        var task = TaskJson.ParseTaskBody(Encoding.UTF8.GetBytes("""{"data":{"taskId":"t","status":"fail","error":{"code":5001,"message":"m"}}}"""), null, Now, SecretRedactor.None)!;

        Assert.Equal("5001", task.Error!.Code);
    }
}
