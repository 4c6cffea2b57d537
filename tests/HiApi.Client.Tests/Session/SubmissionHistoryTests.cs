namespace HiApi.Client.Tests;

/// <summary>
/// -Resume's memory: which earlier submission a re-run input claims, so that a storyboard run again after a crash pays
/// for each row once.
/// </summary>
public sealed class SubmissionHistoryTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private static VideoRequest Request(string prompt, int? duration = 3) => new() { Prompt = prompt, Duration = duration };

    private static LedgerEntry Task(string id, string prompt, int minutes, string status = "queued", int? duration = 3) => new()
    {
        TaskId = id,
        Model = HiApiModels.TextToVideo,
        Prompt = prompt,
        Duration = duration,
        SubmittedAt = Start.AddMinutes(minutes),
        Status = status,
    };

    [Fact]
    public void Identical_requests_claim_earlier_submissions_oldest_first_each_once()
    {
        var history = SubmissionHistory.From([Task("tk-2", "gull", 2), Task("tk-1", "gull", 1), Task("tk-3", "harbour", 3)], []);

        Assert.Equal("tk-1", history.Claim(Request("gull"))!.Task!.TaskId);
        Assert.Equal("tk-2", history.Claim(Request("gull"))!.Task!.TaskId);
        Assert.Null(history.Claim(Request("gull")));
        Assert.Equal("tk-3", history.Claim(Request("harbour"))!.Task!.TaskId);
    }

    [Fact]
    public void Every_field_of_the_body_counts_but_not_the_idempotency_key()
    {
        var history = SubmissionHistory.From([Task("tk-1", "gull", 1, duration: 3)], []);

        Assert.Null(history.Claim(Request("gull", duration: 4)));
        Assert.Null(history.Claim(new VideoRequest { Prompt = "gull", Duration = 3, Resolution = "720p" }));
        Assert.Null(history.Claim(new VideoRequest { Prompt = "gull", Duration = 3, Model = HiApiModels.ImageToVideo }));
        Assert.Equal("tk-1", history.Claim(new VideoRequest { Prompt = "gull", Duration = 3, IdempotencyKey = "another-run" })!.Task!.TaskId);
    }

    [Fact]
    public void A_failed_task_is_not_handed_back_because_it_was_not_charged()
    {
        var history = SubmissionHistory.From([Task("tk-failed", "gull", 1, status: "fail")], []);

        Assert.Null(history.Claim(Request("gull")));
    }

    [Fact]
    public void A_submission_without_an_answer_is_claimed_to_be_settled_with_its_own_key()
    {
        var unanswered = new LedgerSubmission
        {
            IdempotencyKey = "hiapi-video-unanswered",
            Request = Request("gull"),
            SubmittedAt = Start.AddMinutes(5),
            Status = LedgerSubmission.SubmittingStatus,
        };
        var history = SubmissionHistory.From([Task("tk-1", "gull", 1)], [unanswered]);

        Assert.Equal("tk-1", history.Claim(Request("gull"))!.Task!.TaskId);
        var second = history.Claim(Request("gull"))!;
        Assert.Null(second.Task);
        Assert.Equal("hiapi-video-unanswered", second.Unresolved!.IdempotencyKey);
    }
}
