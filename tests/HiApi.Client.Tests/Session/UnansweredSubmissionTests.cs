namespace HiApi.Client.Tests;

/// <summary>
/// A submission whose answer never came stays unknown until a task id proves what happened: a later refusal of a
/// re-send, a refusal by a run that another run has since overtaken, compaction, and a server that answers two
/// submissions with one task id never turn it into "nothing was created" (review findings 1, 2 and 4).
/// </summary>
public sealed class UnansweredSubmissionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("unanswered").FullName;
    private readonly VideoRequest _gull = new() { Prompt = "gulls over the pier", Duration = 3 };

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private TaskLedger NewLedger() => new(Path.Combine(_dir, "ledger.jsonl"));

    private PlannedSubmission Planned(VideoRequest request, int input = 1) =>
        new(request, IdempotencyKeys.Derive("storyboard", request, 1), "storyboard", input);

    private static HttpResponseMessage Created(string id) =>
        FakeHttpHandler.Json(200, "{\"code\":200,\"data\":{\"taskId\":\"" + id + "\"},\"message\":\"success\"}");

    private static HttpResponseMessage RateLimited() =>
        FakeHttpHandler.Json(429, "{\"code\":429,\"error_code\":\"RATE_LIMITED\",\"message\":\"slow down\"}");

    private static HttpResponseMessage NoBalance() =>
        FakeHttpHandler.Json(402, "{\"code\":402,\"error_code\":\"INSUFFICIENT_BALANCE\",\"message\":\"insufficient balance\"}");

    [Theory]
    [InlineData(429)]
    [InlineData(402)]
    public async Task A_refused_resend_of_an_unanswered_submission_leaves_it_unresolved_with_its_first_send_time(int refusal)
    {
        var ledger = NewLedger();
        var planned = Planned(_gull);
        // Run 1 was killed mid-POST 22 hours ago: HiAPI may have created (and charged) its task.
        ledger.Claim(planned, DateTimeOffset.UtcNow.AddHours(-22));

        var refusing = FakeHttpHandler.Sequence(refusal == 429 ? RateLimited : NoBalance);
        var run2 = new HiApiSession(TestClients.Create(refusing), ledger);
        var error = await Assert.ThrowsAsync<HiApiException>(() => run2.SendAsync(planned, run2.Claim(planned)));

        Assert.True(error.TaskMayHaveBeenCreated);
        Assert.Contains("never got an answer, so HiAPI may still have created its task", error.Message);
        var kept = Assert.Single(ledger.GetUnresolvedSubmissions());
        Assert.Equal(planned.IdempotencyKey, kept.IdempotencyKey);
        // The first send's time is kept, and with it the check that refuses a re-send once HiAPI may have forgotten the key.
        Assert.True(kept.SubmittedAt < DateTimeOffset.UtcNow.AddHours(-21));
    }

    [Fact]
    public async Task A_refusal_closes_a_submission_only_while_no_other_run_has_sent_it_again()
    {
        var ledger = NewLedger();
        var planned = Planned(_gull);
        var first = ledger.Claim(planned);      // run A: a new submission
        var second = ledger.Claim(planned);     // run B, at once: the same key, sent again

        Assert.Equal(SubmissionClaimKind.New, first.Kind);
        Assert.Equal(SubmissionClaimKind.Unresolved, second.Kind);
        Assert.NotEqual(first.Attempt, second.Attempt);

        // A's send is refused (429 past the retries): B's send may still create the task.
        var runA = new HiApiSession(TestClients.Create(FakeHttpHandler.Sequence(RateLimited)), ledger);
        var error = await Assert.ThrowsAsync<HiApiException>(() => runA.SendAsync(planned, first));

        Assert.True(error.TaskMayHaveBeenCreated);
        Assert.Contains("Another run sent this submission again meanwhile", error.Message);
        Assert.Single(ledger.GetUnresolvedSubmissions());
    }

    [Fact]
    public async Task A_refusal_of_the_latest_send_closes_the_submission()
    {
        var ledger = NewLedger();
        var planned = Planned(_gull);
        var session = new HiApiSession(TestClients.Create(FakeHttpHandler.Sequence(NoBalance)), ledger);

        var error = await Assert.ThrowsAsync<HiApiException>(() => session.SendAsync(planned, session.Claim(planned)));

        Assert.False(error.TaskMayHaveBeenCreated);
        Assert.Empty(ledger.GetUnresolvedSubmissions());
        Assert.True(ledger.FindSubmission(planned.IdempotencyKey)!.IsRejected);
    }

    [Fact]
    public async Task A_submission_closed_by_a_listing_survives_compaction_and_is_never_sent_as_new()
    {
        var ledger = NewLedger();
        var planned = Planned(_gull);
        ledger.Claim(planned, DateTimeOffset.UtcNow.AddHours(-30));
        ledger.RecordSubmissionReconciled(planned.IdempotencyKey);

        ledger.Compact(DateTimeOffset.UtcNow);

        var handler = FakeHttpHandler.Sequence(() => Created("tk-second"));
        var session = new HiApiSession(TestClients.Create(handler), ledger);
        var claim = session.Claim(planned)!;
        Assert.Equal(SubmissionClaimKind.Unresolved, claim.Kind);
        var tooOld = await Assert.ThrowsAsync<HiApiException>(() => session.SendAsync(planned, claim));
        Assert.Contains("too old to be sent again safely", tooOld.Message);
        Assert.Equal(0, handler.Count);
    }

    [Fact]
    public void A_reconcile_looks_back_to_the_oldest_unanswered_submission()
    {
        var ledger = NewLedger();
        var now = DateTimeOffset.UtcNow;
        var session = new HiApiSession(TestClients.Create(FakeHttpHandler.Sequence(() => Created("tk-unused"))), ledger);
        Assert.Equal(now.AddHours(-24), session.DefaultReconcileSince(now));

        ledger.Claim(Planned(_gull), now.AddHours(-30));
        ledger.Claim(Planned(new VideoRequest { Prompt = "a lighthouse at dawn", Duration = 3 }, 2), now.AddHours(-2));

        Assert.Equal(now.AddHours(-30).AddMinutes(-10), session.DefaultReconcileSince(now));
    }

    [Fact]
    public async Task One_task_id_for_two_submissions_leaves_the_second_unresolved_and_the_first_as_it_was()
    {
        var ledger = NewLedger();
        var session = new HiApiSession(TestClients.Create(FakeHttpHandler.Sequence(() => Created("tk-same"))), ledger);
        var a = Planned(new VideoRequest { Prompt = "A", Duration = 3 }, 1);
        var b = Planned(new VideoRequest { Prompt = "B", Duration = 3 }, 2);

        await session.SendAsync(a, session.Claim(a));
        var error = await Assert.ThrowsAsync<HiApiException>(() => session.SendAsync(b, session.Claim(b)));

        Assert.Equal(HiApiErrorKind.InvalidResponse, error.Kind);
        Assert.True(error.TaskMayHaveBeenCreated);
        Assert.Contains("already holds for another submission (input 1 of batch 'storyboard'", error.Message);
        var entry = ledger.Find("tk-same")!;
        Assert.Equal(a.IdempotencyKey, entry.IdempotencyKey);
        Assert.Equal(1, entry.InputNumber);
        Assert.Equal("A", entry.Request!.Prompt);
        Assert.Equal(b.IdempotencyKey, Assert.Single(ledger.GetUnresolvedSubmissions()).IdempotencyKey);
    }
}
