namespace HiApi.Client.Tests.Ledger;

/// <summary>
/// When each status was seen (so a listing can say how old it is), tasks the user forgot (Remove-HiApiTask), and unsaved
/// videos reported expired (lost): issue 19, items 2 and 3.
/// </summary>
public sealed class TaskLedgerSeenForgottenLostTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly LedgerTestFolder folder = new();
    private readonly ManualTimeProvider clock = new(Start);

    public void Dispose() => folder.Dispose();

    [Fact]
    public void A_status_is_seen_when_it_was_recorded_and_a_read_says_when_it_happened()
    {
        var ledger = NewLedger();
        ledger.RecordSubmitted(Submission("tk-a"));
        Assert.Equal(Start, NewLedger().Find("tk-a")!.SeenAt);

        clock.Now = Start.AddMinutes(3);
        ledger.RecordStatus("tk-a", "handling", null, null, null, null, seenAt: Start.AddMinutes(2));

        var entry = NewLedger().Find("tk-a")!;
        Assert.Equal("handling", entry.Status);
        Assert.Equal(Start.AddMinutes(2), entry.SeenAt);
        Assert.Equal(Start.AddMinutes(2), entry.ToTask().RetrievedAt);
    }

    [Fact]
    public void An_unchanged_status_is_recorded_as_seen_again_at_most_once_a_minute()
    {
        var ledger = NewLedger();
        ledger.RecordSubmitted(Submission("tk-a"));
        var lines = LedgerAssert.FileLines(folder.LedgerPath).Length;

        clock.Now = Start.AddSeconds(59);
        ledger.RecordStatus("tk-a", "queued", null, null, null, null, seenAt: clock.Now);
        Assert.Equal(lines, LedgerAssert.FileLines(folder.LedgerPath).Length);

        clock.Now = Start.AddMinutes(5);
        ledger.RecordStatus("tk-a", "queued", null, null, null, null, seenAt: clock.Now);
        Assert.Equal(lines + 1, LedgerAssert.FileLines(folder.LedgerPath).Length);
        Assert.Equal(Start.AddMinutes(5), NewLedger().Find("tk-a")!.SeenAt);
    }

    [Fact]
    public void A_read_older_than_the_status_recorded_does_not_put_an_older_status_back()
    {
        var ledger = NewLedger();
        ledger.RecordSubmitted(Submission("tk-a"));
        clock.Now = Start.AddMinutes(2);
        ledger.RecordStatus("tk-a", "archiving", null, null, null, null, seenAt: Start.AddMinutes(2));

        ledger.RecordStatus("tk-a", "handling", null, null, null, null, seenAt: Start.AddMinutes(1));

        Assert.Equal("archiving", NewLedger().Find("tk-a")!.Status);
    }

    [Fact]
    public void A_forgotten_task_is_neither_pending_nor_lost_and_its_key_still_finds_it()
    {
        var ledger = NewLedger();
        ledger.RecordSubmitted(Submission("tk-a", "key-a"));
        clock.Now = Start.AddMinutes(1);

        var before = ledger.RecordForgotten("tk-a");

        Assert.False(before!.IsForgotten);
        var entry = NewLedger().Find("tk-a")!;
        Assert.Equal(Start.AddMinutes(1), entry.ForgottenAt);
        Assert.False(entry.IsPending);
        Assert.Empty(NewLedger().GetPending());
        Assert.True(NewLedger().KnowsKeys(["key-a"])[0], "a run of its batch must hand it back, not pay again");
    }

    [Fact]
    public void Forgetting_twice_writes_once_and_an_unknown_task_writes_nothing()
    {
        var ledger = NewLedger();
        ledger.RecordSubmitted(Submission("tk-a"));
        ledger.RecordForgotten("tk-a");
        var lines = LedgerAssert.FileLines(folder.LedgerPath).Length;

        Assert.True(ledger.RecordForgotten("tk-a")!.IsForgotten);
        Assert.Null(ledger.RecordForgotten("tk-unknown"));

        Assert.Equal(lines, LedgerAssert.FileLines(folder.LedgerPath).Length);
    }

    [Fact]
    public void An_expired_unsaved_video_recorded_as_lost_is_no_longer_pending()
    {
        var ledger = NewLedger();
        ledger.RecordSubmitted(Submission("tk-a"));
        ledger.RecordStatus("tk-a", "success", "https://temp.hiapi.ai/a.mp4", Start.AddHours(1), null, null);
        clock.Now = Start.AddHours(2);
        Assert.True(NewLedger().Find("tk-a")!.IsExpired(clock.Now));
        Assert.Single(NewLedger().GetPending());

        ledger.RecordLost("tk-a");

        Assert.Empty(NewLedger().GetPending());
        Assert.Equal(Start.AddHours(2), NewLedger().Find("tk-a")!.LostAt);
    }

    [Fact]
    public void Compaction_keeps_when_a_status_was_seen_and_what_was_forgotten_or_lost()
    {
        var ledger = NewLedger();
        ledger.RecordSubmitted(Submission("tk-seen"));
        ledger.RecordSubmitted(Submission("tk-forgotten"));
        ledger.RecordSubmitted(Submission("tk-lost"));
        clock.Now = Start.AddMinutes(1);
        ledger.RecordStatus("tk-seen", "handling", null, null, null, null, seenAt: Start.AddSeconds(30));
        ledger.RecordStatus("tk-lost", "success", "https://temp.hiapi.ai/l.mp4", Start.AddMinutes(2), null, null);
        clock.Now = Start.AddMinutes(3);
        ledger.RecordForgotten("tk-forgotten");
        ledger.RecordLost("tk-lost");
        var before = ledger.Load();

        ledger.Compact(clock.Now);

        var after = NewLedger().Load();
        Assert.Equal(before.Count, after.Count);
        foreach (var entry in after)
        {
            LedgerAssert.SameEntry(before.Single(old => old.TaskId == entry.TaskId), entry);
        }

        Assert.Equal(Start.AddSeconds(30), after.Single(entry => entry.TaskId == "tk-seen").SeenAt);
        Assert.True(after.Single(entry => entry.TaskId == "tk-forgotten").IsForgotten);
        Assert.NotNull(after.Single(entry => entry.TaskId == "tk-lost").LostAt);
    }

    private TaskLedger NewLedger() => new(folder.LedgerPath, new LedgerOptions { TimeProvider = clock });

    private static LedgerEntry Submission(string taskId, string? idempotencyKey = null) => new()
    {
        TaskId = taskId,
        IdempotencyKey = idempotencyKey,
        Model = "happyhorse-1.1/text-to-video",
        Request = new VideoRequest { Prompt = "a calm ocean wave at sunset", Duration = 3 },
        Status = "queued",
    };
}
