namespace HiApi.Client.Tests;

public sealed class HiApiTaskTests
{
    private static readonly DateTimeOffset Submitted = new(2026, 5, 1, 10, 0, 0, TimeSpan.Zero);

    private static HiApiTask Submitted_() => new("tk-1")
    {
        Model = HiApiModels.TextToVideo,
        Status = HiApiTaskStatus.Queued,
        SubmittedAt = Submitted,
        Request = new VideoRequest
        {
            Prompt = "a wave",
            AspectRatio = "9:16",
            Resolution = "720p",
            Duration = 3,
            CallbackUrl = "https://example.com/hook",
        },
    };

    [Fact]
    public void WithServerState_TakesTheServerStatus_AndKeepsTheRequest()
    {
        var retrieved = Submitted.AddSeconds(30);
        var fresh = new HiApiTask("tk-1")
        {
            Status = HiApiTaskStatus.Success,
            StatusText = "success",
            Outputs = new[] { new TaskOutput("video", "https://temp.example/v.mp4", Submitted.AddDays(1)) },
            RetrievedAt = retrieved,
        };

        var merged = Submitted_().WithServerState(fresh);

        Assert.Equal(HiApiTaskStatus.Success, merged.Status);
        Assert.True(merged.IsTerminal);
        Assert.Equal("https://temp.example/v.mp4", merged.VideoUrl);
        Assert.Equal(retrieved, merged.RetrievedAt);
        Assert.Equal(HiApiModels.TextToVideo, merged.Model);
        Assert.Equal(("a wave", "9:16", "720p", 3, "https://example.com/hook", (DateTimeOffset?)Submitted),
            (merged.Prompt, merged.AspectRatio, merged.Resolution, merged.Duration, merged.CallbackUrl, merged.SubmittedAt));
    }

    [Fact]
    public void WithServerState_RefusesAnotherTask() =>
        Assert.Throws<ArgumentException>(() => Submitted_().WithServerState(HiApiTask.FromId("tk-2")));

    [Fact]
    public void FromId_KnowsNothingButTheId()
    {
        var task = HiApiTask.FromId(" tk-9 ");

        Assert.Equal("tk-9", task.TaskId);
        Assert.Equal(HiApiTaskStatus.Unknown, task.Status);
        Assert.False(task.IsTerminal);
        Assert.Empty(task.Outputs);
        Assert.Null(task.SubmittedAt);
        Assert.Equal("tk-9 Unknown", task.ToString());
    }

    [Fact]
    public void FromId_RefusesABlankId() => Assert.Throws<ArgumentException>(() => HiApiTask.FromId(" "));

    [Fact]
    public void VideoUrl_IsTheFirstOutputOfTypeVideo()
    {
        var task = new HiApiTask("tk-1")
        {
            Status = HiApiTaskStatus.Success,
            Outputs = new[]
            {
                new TaskOutput("image", "https://x/poster.jpg", null),
                new TaskOutput("video", "https://x/first.mp4", Submitted),
                new TaskOutput("video", "https://x/second.mp4", null),
            },
        };

        Assert.Equal("https://x/first.mp4", task.VideoUrl);
        Assert.Equal(Submitted, task.ExpiresAt);
        Assert.Equal("tk-1 Success", task.ToString());
    }

    [Theory]
    [InlineData("queued", HiApiTaskStatus.Queued)]
    [InlineData("handling", HiApiTaskStatus.Handling)]
    [InlineData("archiving", HiApiTaskStatus.Archiving)]
    [InlineData("success", HiApiTaskStatus.Success)]
    [InlineData("fail", HiApiTaskStatus.Fail)]
    [InlineData("SUCCESS", HiApiTaskStatus.Success)]
    [InlineData("cancelled", HiApiTaskStatus.Unknown)]
    [InlineData(null, HiApiTaskStatus.Unknown)]
    public void ParseStatus_MapsTheContractValues(string? text, HiApiTaskStatus expected) =>
        Assert.Equal(expected, HiApiTask.ParseStatus(text));

    [Fact]
    public void PublicProperties_AreReadOnly()
    {
        foreach (var property in typeof(HiApiTask).GetProperties())
        {
            Assert.True(property.SetMethod is null || !property.SetMethod.IsPublic, $"{property.Name} has a public setter");
        }
    }
}
