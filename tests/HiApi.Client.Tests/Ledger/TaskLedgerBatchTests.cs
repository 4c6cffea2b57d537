namespace HiApi.Client.Tests.Ledger;

/// <summary>
/// Submissions are claimed under the lock with their batch and input, batches are recorded and survive compaction, a
/// line of a kind this version does not know is never a task, and ledgers of the first format still load.
/// </summary>
public sealed class TaskLedgerBatchTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly VideoRequest Gull = new() { Prompt = "gull", Duration = 3 };

    private readonly LedgerTestFolder folder = new();
    private readonly ManualTimeProvider clock = new(Start);

    public void Dispose() => folder.Dispose();

    private TaskLedger NewLedger() => new(folder.LedgerPath, new LedgerOptions { TimeProvider = clock });

    [Fact]
    public void A_claim_writes_a_new_submission_once_and_then_reports_what_the_key_became()
    {
        var planned = new PlannedSubmission(Gull, "hv1.k.1", "b", 1);
        var ledger = NewLedger();

        Assert.Equal(SubmissionClaimKind.New, ledger.Claim(planned).Kind);
        Assert.Equal(SubmissionClaimKind.Unresolved, NewLedger().Claim(planned).Kind);
        Assert.Single(NewLedger().GetSubmissions());

        ledger.RecordSubmitted(new LedgerEntry { TaskId = "tk-1", IdempotencyKey = "hv1.k.1", Request = Gull, Batch = "b", InputNumber = 1 });
        var claim = NewLedger().Claim(planned);

        Assert.Equal(SubmissionClaimKind.Created, claim.Kind);
        Assert.Equal("tk-1", claim.Task!.TaskId);
    }

    [Fact]
    public void A_refused_submission_is_claimed_again_as_new_and_is_unresolved_until_answered()
    {
        var planned = new PlannedSubmission(Gull, "hv1.k.1", "b", 1);
        var ledger = NewLedger();
        ledger.Claim(planned);
        ledger.RecordSubmissionRejected("hv1.k.1", attempt: null, "INSUFFICIENT_BALANCE", "top up");
        Assert.Empty(ledger.GetUnresolvedSubmissions());

        Assert.Equal(SubmissionClaimKind.New, NewLedger().Claim(planned).Kind);

        Assert.Equal("hv1.k.1", Assert.Single(NewLedger().GetUnresolvedSubmissions()).IdempotencyKey);
    }

    [Fact]
    public void A_task_is_found_by_its_key_after_compaction_dropped_its_submission_line()
    {
        var planned = new PlannedSubmission(Gull, "hv1.k.1", "b", 1);
        var ledger = NewLedger();
        ledger.RecordBatch("b", named: true, LedgerBatch.RunningStatus);
        ledger.Claim(planned);
        ledger.RecordSubmitted(new LedgerEntry { TaskId = "tk-1", IdempotencyKey = "hv1.k.1", Request = Gull, Batch = "b", InputNumber = 1 });
        ledger.RecordBatch("b", named: true, LedgerBatch.FinishedStatus, inputs: 1);

        ledger.Compact(Start);

        var reloaded = NewLedger();
        Assert.Empty(reloaded.GetSubmissions());
        Assert.Equal(SubmissionClaimKind.Created, reloaded.Claim(planned).Kind);
        var batch = Assert.Single(reloaded.GetBatches());
        Assert.Equal(("b", true, true, 1), (batch.Name, batch.Named, batch.IsFinished, batch.Inputs));
        var task = reloaded.Find("tk-1")!;
        Assert.Equal(("b", 1, Gull.BodyText), (task.Batch, task.InputNumber, task.Request!.BodyText));
    }

    [Fact]
    public void A_batch_run_again_is_unfinished_until_that_run_finishes()
    {
        var ledger = NewLedger();
        ledger.RecordBatch("b", named: true, LedgerBatch.RunningStatus);
        ledger.RecordBatch("b", named: true, LedgerBatch.FinishedStatus, inputs: 3);
        clock.Now = Start.AddMinutes(1);
        ledger.RecordBatch("b", named: true, LedgerBatch.RunningStatus);

        var batch = Assert.Single(NewLedger().GetBatches());
        Assert.False(batch.IsFinished);
        Assert.Equal(Start, batch.StartedAt);
        Assert.Equal(Start.AddMinutes(1), batch.UpdatedAt);
    }

    [Fact]
    public void A_line_of_a_kind_this_version_does_not_know_is_never_a_task()
    {
        NewLedger().RecordBatch("b", named: false, LedgerBatch.RunningStatus);
        File.AppendAllText(folder.LedgerPath, """{"kind":"future-thing","taskId":"tk-phantom","status":"queued"}""" + "\n");

        var ledger = NewLedger();
        Assert.Empty(ledger.Load());
        Assert.Empty(ledger.GetPending());
        Assert.Equal(0, ledger.SkippedLineCount);
    }

    [Fact]
    public void A_ledger_of_the_first_format_loads_with_its_requests()
    {
        File.WriteAllText(folder.LedgerPath, string.Join('\n',
            """{"format":"hiapi-video-task-ledger","version":1,"generation":"0123456789abcdef0123456789abcdef","createdAt":"2026-04-01T00:00:00+00:00"}""",
            """{"idempotencyKey":"hiapi-video-old","model":"happyhorse-1.1/text-to-video","prompt":"old unanswered","duration":3,"submittedAt":"2026-04-01T00:00:00+00:00","status":"submitting","updatedAt":"2026-04-01T00:00:00+00:00"}""",
            """{"taskId":"tk-old","idempotencyKey":"hiapi-video-done","model":"happyhorse-1.1/image-to-video","imageUrl":"https://example.com/s.jpg","resolution":"720p","duration":5,"submittedAt":"2026-04-01T00:00:00+00:00","status":"queued","updatedAt":"2026-04-01T00:00:00+00:00"}""",
            ""));

        var ledger = NewLedger();
        var old = ledger.Find("tk-old")!;
        var unresolved = Assert.Single(ledger.GetUnresolvedSubmissions());

        Assert.Equal((HiApiModels.ImageToVideo, "https://example.com/s.jpg", "720p", 5), (old.Request!.Model, old.Request.ImageUrl, old.Request.Resolution, old.Request.Duration));
        Assert.Null(old.Batch);
        Assert.Equal(("old unanswered", 3), (unresolved.Request.Prompt, unresolved.Request.Duration));
        Assert.Null(unresolved.Batch);
    }
}
