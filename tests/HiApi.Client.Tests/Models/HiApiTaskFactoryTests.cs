using System.Text.RegularExpressions;

namespace HiApi.Client.Tests.Models;

/// <summary>Tasks built for a script's tests (Pester Mock) look like the ones the cmdlets write.</summary>
public sealed class HiApiTaskFactoryTests
{
    [Fact]
    public void With_nothing_given_it_is_a_succeeded_text_to_video_task_with_a_video_that_expires()
    {
        var before = DateTimeOffset.UtcNow;

        var task = HiApiTaskFactory.Create();

        Assert.Matches(new Regex("^tk-hiapi-[0-9A-HJKMNP-TV-Z]{26}$"), task.TaskId);
        Assert.Equal(HiApiTaskStatus.Success, task.Status);
        Assert.Equal("success", task.StatusText);
        Assert.True(task.IsTerminal);
        Assert.Equal(HiApiModels.TextToVideo, task.Model);
        Assert.Equal($"https://temp.hiapi.ai/tasks/{task.TaskId}/0.mp4", task.VideoUrl);
        Assert.InRange(task.SubmittedAt!.Value, before, DateTimeOffset.UtcNow);
        Assert.Equal(task.SubmittedAt!.Value.AddDays(7), task.ExpiresAt);
        Assert.Null(task.Error);
        Assert.NotEqual(task.TaskId, HiApiTaskFactory.Create().TaskId);
    }

    [Fact]
    public void A_failed_task_carries_the_APIs_error_and_no_video()
    {
        var task = HiApiTaskFactory.Create(new HiApiTaskSpec { Status = HiApiTaskStatus.Fail, Prompt = "a dragon", Duration = 3 });

        Assert.Equal(HiApiTaskStatus.Fail, task.Status);
        Assert.Equal("fail", task.StatusText);
        Assert.Null(task.VideoUrl);
        Assert.Equal("generation_failed: the model could not generate a video for this prompt", task.Error!.ToString());
        Assert.Equal(("a dragon", 3), (task.Prompt, task.Duration));
    }

    [Fact]
    public void Every_field_given_is_kept_and_an_image_selects_image_to_video()
    {
        var at = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var task = HiApiTaskFactory.Create(new HiApiTaskSpec
        {
            TaskId = "tk-hiapi-01KW23VDG2EZ20J7RQH8S67MNC",
            Status = HiApiTaskStatus.Handling,
            ImageUrl = "https://example.com/still.jpg",
            Resolution = "1080p",
            CallbackUrl = "https://hooks.example.com/hiapi/",
            IdempotencyKey = "storyboard-scene-1",
            SubmittedAt = at,
        });

        Assert.Equal("tk-hiapi-01KW23VDG2EZ20J7RQH8S67MNC", task.TaskId);
        Assert.Equal(HiApiModels.ImageToVideo, task.Model);
        Assert.Equal(HiApiTaskStatus.Handling, task.Status);
        Assert.False(task.IsTerminal);
        Assert.Empty(task.Outputs);
        Assert.Equal(("https://example.com/still.jpg", "1080p", "https://hooks.example.com/hiapi/", "storyboard-scene-1"),
            (task.ImageUrl, task.Resolution, task.CallbackUrl, task.IdempotencyKey));
        Assert.Equal(at, task.SubmittedAt);
        Assert.Equal(at, task.CreatedAt);
    }

    [Fact]
    public void A_task_built_here_takes_fresh_server_state_like_any_other()
    {
        var submitted = HiApiTaskFactory.Create(new HiApiTaskSpec { Status = HiApiTaskStatus.Queued, Prompt = "a fox", Duration = 4 });
        var finished = HiApiTaskFactory.Create(new HiApiTaskSpec { TaskId = submitted.TaskId, VideoUrl = "https://cdn.example/x.mp4" });

        var merged = submitted.WithServerState(finished);

        Assert.Equal(("a fox", 4, HiApiTaskStatus.Success, "https://cdn.example/x.mp4"), (merged.Prompt, merged.Duration, merged.Status, merged.VideoUrl));
    }
}
