using HiApi.Emulator.Tasks;
using HiApi.Emulator.Tests.Support;
using HiApi.Mock.Tasks;

namespace HiApi.Emulator.Tests.Lifecycle;

/// <summary>The status is a pure function of the time since creation: checked without any waiting.</summary>
public sealed class TaskStatusClockTests
{
    private static EmulatedTask TaskCreatedAgo(TimeSpan ago, TaskFailure? failure = null)
    {
        var clock = new ManualClock(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        var task = NewTask(clock, failure);
        clock.Advance(ago);
        return task;
    }

    private static EmulatedTask NewTask(ManualClock clock, TaskFailure? failure) => new()
    {
        Id = "tk-hiapi-01KW23VDG2EZ20J7RQH8S67MNC",
        Model = "happyhorse-1.1/text-to-video",
        ApiKey = "sk-test-emulator",
        ApiKeyLabel = "sk-test…",
        CreatedAt = clock.GetUtcNow(),
        CreatedTimestamp = clock.GetTimestamp(),
        Clock = clock,
        QueuedMs = 10_000,
        HandlingMs = 20_000,
        ArchivingMs = 10_000,
        Duration = 5,
        Prompt = "p",
        CallbackUrl = null,
        Failure = failure,
        Cost = 0.05m,
        ExpireAtUnixSeconds = 0,
    };

    [Theory]
    [InlineData(0, "queued")]
    [InlineData(9.999, "queued")]
    [InlineData(10, "handling")]
    [InlineData(11, "handling")]
    [InlineData(29, "handling")]
    [InlineData(30, "archiving")]
    [InlineData(39.999, "archiving")]
    [InlineData(40, "success")]
    [InlineData(3600, "success")]
    public void Status_follows_the_configured_timings(double secondsAgo, string expected)
    {
        Assert.Equal(expected, TaskCreatedAgo(TimeSpan.FromSeconds(secondsAgo)).Status);
    }

    [Theory]
    [InlineData(9, "queued")]
    [InlineData(29, "handling")]
    [InlineData(30, "fail")]
    [InlineData(41, "fail")]
    public void A_scripted_failure_ends_after_handling(int secondsAgo, string expected)
    {
        var task = TaskCreatedAgo(TimeSpan.FromSeconds(secondsAgo), new TaskFailure("generation_failed", "m"));

        Assert.Equal(expected, task.Status);
    }
}
