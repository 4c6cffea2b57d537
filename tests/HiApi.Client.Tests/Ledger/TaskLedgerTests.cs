using System.Text.Json.Nodes;

namespace HiApi.Client.Tests.Ledger;

public sealed class TaskLedgerTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly LedgerTestFolder folder = new();
    private readonly ManualTimeProvider clock = new(Start);

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Every_field_survives_a_round_trip_through_the_file()
    {
        var written = LedgerSampleEntries.Create("round", 7);
        NewLedger().RecordSubmitted(written);

        var reloaded = NewLedger();
        LedgerAssert.SameEntry(written, reloaded.Find(written.TaskId));
        LedgerAssert.SameEntry(written, Assert.Single(reloaded.Load()));
    }

    [Fact]
    public void Submission_defaults_submitted_and_updated_time_to_now()
    {
        var ledger = NewLedger();
        ledger.RecordSubmitted(new LedgerEntry { TaskId = "tk-a", Model = "happyhorse-1.1/text-to-video", Request = new VideoRequest { Model = "happyhorse-1.1/text-to-video", Prompt = "waves" } });

        var entry = NewLedger().Find("tk-a")!;
        Assert.Equal(Start, entry.SubmittedAt);
        Assert.Equal(Start, entry.UpdatedAt);
        Assert.Null(entry.Status);
        Assert.True(entry.IsPending);
    }

    [Fact]
    public void Partial_status_updates_fold_onto_the_submission()
    {
        var ledger = NewLedger();
        ledger.RecordSubmitted(Submission("tk-a"));
        var expiry = Start.AddHours(24);

        clock.Now = Start.AddMinutes(1);
        ledger.RecordStatus("tk-a", "handling", null, null, null, null);
        clock.Now = Start.AddMinutes(2);
        ledger.RecordStatus("tk-a", "success", "https://temp.hiapi.ai/a.mp4", expiry, null, null);

        var entry = NewLedger().Find("tk-a")!;
        Assert.Equal("success", entry.Status);
        Assert.Equal("https://temp.hiapi.ai/a.mp4", entry.VideoUrl);
        Assert.Equal(expiry, entry.ExpiresAt);
        Assert.Equal("a calm ocean wave at sunset", entry.Prompt);
        Assert.Equal("720p", entry.Request!.Resolution);
        Assert.Equal(3, entry.Duration);
        Assert.Equal(Start, entry.SubmittedAt);
        Assert.Equal(Start.AddMinutes(2), entry.UpdatedAt);
        Assert.True(entry.IsPending);
        Assert.False(entry.IsSaved);
    }

    [Fact]
    public void A_failure_keeps_its_error_code_and_message()
    {
        var ledger = NewLedger();
        ledger.RecordSubmitted(Submission("tk-a"));
        ledger.RecordStatus("tk-a", "fail", null, null, "content_policy", "The prompt was rejected.");

        var entry = NewLedger().Find("tk-a")!;
        Assert.Equal("fail", entry.Status);
        Assert.Equal("content_policy", entry.ErrorCode);
        Assert.Equal("The prompt was rejected.", entry.ErrorMessage);
        Assert.False(entry.IsPending);
    }

    [Fact]
    public void Repeating_an_unchanged_status_writes_nothing()
    {
        var ledger = NewLedger();
        ledger.RecordSubmitted(Submission("tk-a"));
        ledger.RecordStatus("tk-a", "handling", null, null, null, null);
        var linesAfterFirstPoll = LedgerAssert.FileLines(folder.LedgerPath).Length;

        for (var poll = 0; poll < 5; poll++)
        {
            clock.Now = clock.Now.AddSeconds(5);
            ledger.RecordStatus("tk-a", "handling", null, null, null, null);
        }

        Assert.Equal(linesAfterFirstPoll, LedgerAssert.FileLines(folder.LedgerPath).Length);
        ledger.RecordStatus("tk-a", "archiving", null, null, null, null);
        Assert.Equal(linesAfterFirstPoll + 1, LedgerAssert.FileLines(folder.LedgerPath).Length);
    }

    [Fact]
    public void A_stale_non_terminal_status_does_not_overwrite_a_terminal_one()
    {
        var ledger = NewLedger();
        ledger.RecordSubmitted(Submission("tk-a"));
        ledger.RecordStatus("tk-a", "success", "https://temp.hiapi.ai/a.mp4", Start.AddDays(1), null, null);

        ledger.RecordStatus("tk-a", "handling", null, null, null, null);

        Assert.Equal("success", NewLedger().Find("tk-a")!.Status);
    }

    [Fact]
    public void Status_and_save_events_for_unknown_task_ids_are_ignored()
    {
        var ledger = NewLedger();
        ledger.RecordSubmitted(Submission("tk-known"));
        var linesBefore = LedgerAssert.FileLines(folder.LedgerPath);

        ledger.RecordStatus("tk-forged", "success", "https://evil.example/x.mp4", Start.AddDays(1), null, null);
        ledger.RecordSaved("tk-forged", Path.Combine(folder.FolderPath, "x.mp4"), 10);

        Assert.False(ledger.Contains("tk-forged"));
        Assert.True(ledger.Contains("tk-known"));
        Assert.Equal(linesBefore, LedgerAssert.FileLines(folder.LedgerPath));
    }

    [Fact]
    public void Status_for_a_ledger_that_does_not_exist_yet_creates_nothing()
    {
        var ledger = new TaskLedger(Path.Combine(folder.FolderPath, "absent", "ledger.jsonl"));

        ledger.RecordStatus("tk-a", "success", null, null, null, null);
        ledger.RecordSaved("tk-a", "/tmp/a.mp4", 1);

        Assert.False(Directory.Exists(Path.Combine(folder.FolderPath, "absent")));
    }

    [Fact]
    public void Saving_records_the_full_path_length_and_time_and_ends_pending()
    {
        var ledger = NewLedger();
        ledger.RecordSubmitted(Submission("tk-a"));
        ledger.RecordStatus("tk-a", "success", "https://temp.hiapi.ai/a.mp4", Start.AddDays(1), null, null);
        clock.Now = Start.AddMinutes(3);

        var relative = Path.GetRelativePath(Environment.CurrentDirectory, Path.Combine(folder.FolderPath, "clips", "a.mp4"));
        ledger.RecordSaved("tk-a", relative, 123_456);

        var entry = NewLedger().Find("tk-a")!;
        Assert.Equal(Path.Combine(folder.FolderPath, "clips", "a.mp4"), entry.SavedPath);
        Assert.Equal(123_456, entry.SavedLength);
        Assert.Equal(Start.AddMinutes(3), entry.SavedAt);
        Assert.True(entry.IsSaved);
        Assert.False(entry.IsPending);
        Assert.Empty(NewLedger().GetPending());
    }

    [Fact]
    public void Pending_lists_unfinished_and_unsaved_successes_including_expired_ones()
    {
        var ledger = NewLedger();
        foreach (var id in new[] { "tk-queued", "tk-handling", "tk-unsaved", "tk-expired", "tk-saved", "tk-failed" })
        {
            ledger.RecordSubmitted(Submission(id));
        }

        ledger.RecordStatus("tk-handling", "handling", null, null, null, null);
        ledger.RecordStatus("tk-unsaved", "success", "https://temp.hiapi.ai/u.mp4", Start.AddDays(1), null, null);
        ledger.RecordStatus("tk-expired", "success", "https://temp.hiapi.ai/e.mp4", Start.AddHours(-1), null, null);
        ledger.RecordStatus("tk-saved", "success", "https://temp.hiapi.ai/s.mp4", Start.AddDays(1), null, null);
        ledger.RecordSaved("tk-saved", Path.Combine(folder.FolderPath, "s.mp4"), 42);
        ledger.RecordStatus("tk-failed", "fail", null, null, "internal_error", "boom");

        var pending = NewLedger().GetPending();

        Assert.Equal(new[] { "tk-queued", "tk-handling", "tk-unsaved", "tk-expired" }, pending.Select(entry => entry.TaskId));
        Assert.Equal(new[] { "tk-expired" }, pending.Where(entry => entry.IsExpired(Start)).Select(entry => entry.TaskId));
    }

    [Fact]
    public void Load_returns_tasks_in_submission_order_with_their_latest_state()
    {
        var ledger = NewLedger();
        ledger.RecordSubmitted(Submission("tk-1"));
        ledger.RecordSubmitted(Submission("tk-2"));
        ledger.RecordStatus("tk-1", "handling", null, null, null, null);
        ledger.RecordSubmitted(Submission("tk-3"));
        ledger.RecordStatus("tk-2", "success", "https://temp.hiapi.ai/2.mp4", Start.AddDays(1), null, null);

        var entries = NewLedger().Load();

        Assert.Equal(new[] { "tk-1", "tk-2", "tk-3" }, entries.Select(entry => entry.TaskId));
        Assert.Equal(new string?[] { "handling", "success", "queued" }, entries.Select(entry => entry.Status));
    }

    [Fact]
    public void A_ledger_that_was_never_written_is_empty_and_reading_it_creates_no_folder()
    {
        var folderPath = Path.Combine(folder.FolderPath, "not-yet");
        var ledger = new TaskLedger(Path.Combine(folderPath, "ledger.jsonl"));

        Assert.Empty(ledger.Load());
        Assert.Empty(ledger.GetPending());
        Assert.Null(ledger.Find("tk-a"));
        Assert.Equal(new LedgerCompactionResult(0, 0, 0, 0), ledger.Compact(Start));
        Assert.False(Directory.Exists(folderPath));
    }

    [Fact]
    public void The_first_write_creates_the_folder()
    {
        var path = Path.Combine(folder.FolderPath, "a", "b", "ledger.jsonl");
        var ledger = new TaskLedger(path);

        ledger.RecordSubmitted(Submission("tk-a"));

        Assert.True(File.Exists(path));
        Assert.True(new TaskLedger(path).Contains("tk-a"));
    }

    [Fact]
    public void Each_event_is_one_line_holding_only_known_task_fields()
    {
        var ledger = NewLedger();
        ledger.RecordSubmitted(LedgerSampleEntries.Create("lines", 1));
        ledger.RecordStatus(LedgerSampleEntries.TaskId("lines", 1), "handling", null, null, null, null);

        var lines = LedgerAssert.FileLines(folder.LedgerPath);

        Assert.Equal(3, lines.Length); // header, submission, status change: the prompt's line break stayed escaped
        var header = JsonNode.Parse(lines[0])!.AsObject();
        Assert.Equal("hiapi-video-task-ledger", (string?)header["format"]);
        var statusEvent = JsonNode.Parse(lines[2])!.AsObject();
        Assert.Equal(new[] { "taskId", "status", "updatedAt" }, statusEvent.Select(property => property.Key));
        string[] taskFields =
        [
            "taskId", "batch", "input", "body", "submittedAt",
            "status", "videoUrl", "expiresAt", "errorCode", "errorMessage", "savedPath", "savedLength", "savedAt", "seenAt", "updatedAt",
        ];
        Assert.All(lines[1..], line => Assert.All(JsonNode.Parse(line)!.AsObject(), property => Assert.Contains(property.Key, taskFields)));
    }

    [Fact]
    public void An_instance_sees_appends_and_compactions_made_through_another_instance()
    {
        var first = NewLedger();
        var second = NewLedger();
        first.RecordSubmitted(Submission("tk-1"));
        Assert.True(second.Contains("tk-1"));

        second.RecordSubmitted(Submission("tk-2"));
        second.RecordStatus("tk-1", "handling", null, null, null, null);
        Assert.Equal("handling", first.Find("tk-1")!.Status);

        // A compaction replaces the file; the other instance's cached offset must not be trusted afterwards.
        second.Compact(Start);
        second.RecordSubmitted(Submission("tk-3"));
        Assert.Equal(new[] { "tk-1", "tk-2", "tk-3" }, first.Load().Select(entry => entry.TaskId));
        Assert.Equal("handling", first.Find("tk-1")!.Status);
        Assert.Equal(0, first.SkippedLineCount);
    }

    [Fact]
    public void Invalid_arguments_are_rejected_before_touching_the_file()
    {
        var ledger = NewLedger();

        Assert.Throws<ArgumentException>(() => ledger.RecordSubmitted(new LedgerEntry { TaskId = " " }));
        Assert.Throws<ArgumentOutOfRangeException>(() => ledger.RecordSaved("tk-a", "/tmp/a.mp4", -1));
        Assert.Throws<ArgumentException>(() => new TaskLedger(""));
        Assert.False(File.Exists(folder.LedgerPath));
    }

    [Fact]
    public void A_blank_status_from_a_broken_server_is_not_reported_and_throws_nothing()
    {
        var ledger = NewLedger();
        ledger.RecordSubmitted(Submission("tk-a"));

        ledger.RecordStatus("tk-a", "", null, null, null, null);
        ledger.RecordStatus("tk-a", "   ", "https://temp.hiapi.ai/a.mp4", null, null, null);

        var entry = NewLedger().Find("tk-a")!;
        Assert.Equal("queued", entry.Status);
        Assert.Equal("https://temp.hiapi.ai/a.mp4", entry.VideoUrl);
    }

    [Fact]
    public void A_submission_is_on_disk_before_its_request_is_sent_and_resolves_to_its_task()
    {
        var ledger = NewLedger();
        var request = new VideoRequest { Prompt = "write ahead", Duration = 4, Resolution = "720p" };

        ledger.Claim(new PlannedSubmission(request, "key-1", "batch", 1));

        var unresolved = Assert.Single(NewLedger().GetUnresolvedSubmissions());
        Assert.Equal("key-1", unresolved.IdempotencyKey);
        Assert.Equal("write ahead", unresolved.Request.Prompt);
        Assert.Equal(4, unresolved.Request.Duration);
        Assert.Equal("batch", unresolved.Batch);
        Assert.Equal(1, unresolved.InputNumber);
        Assert.Equal(Start, unresolved.SubmittedAt);
        Assert.Empty(NewLedger().Load());

        ledger.RecordSubmitted(Submission("tk-a", "key-1"));

        Assert.Empty(NewLedger().GetUnresolvedSubmissions());
        Assert.Equal("tk-a", NewLedger().FindSubmission("key-1")!.TaskId);
        Assert.Equal("key-1", NewLedger().Find("tk-a")!.IdempotencyKey);
    }

    [Fact]
    public void A_rejected_submission_is_no_longer_unresolved()
    {
        var ledger = NewLedger();
        ledger.Claim(new PlannedSubmission(new VideoRequest { Prompt = "too expensive", Duration = 15 }, "key-402", "batch", 1));

        ledger.RecordSubmissionRejected("key-402", attempt: null, "INSUFFICIENT_BALANCE", "insufficient balance");

        Assert.Empty(NewLedger().GetUnresolvedSubmissions());
        var rejected = NewLedger().FindSubmission("key-402")!;
        Assert.Equal(LedgerSubmission.RejectedStatus, rejected.Status);
        Assert.Equal("INSUFFICIENT_BALANCE", rejected.ErrorCode);
    }

    [Fact]
    public void Compaction_keeps_unresolved_submissions_and_drops_settled_ones()
    {
        var ledger = NewLedger();
        ledger.Claim(new PlannedSubmission(new VideoRequest { Prompt = "still unknown" }, "open", "batch", 1));
        ledger.Claim(new PlannedSubmission(new VideoRequest { Prompt = "created" }, "done", "batch", 1));
        ledger.RecordSubmitted(Submission("tk-done", "done"));
        ledger.Claim(new PlannedSubmission(new VideoRequest { Prompt = "refused" }, "refused", "batch", 1));
        ledger.RecordSubmissionRejected("refused", attempt: null, "INVALID_REQUEST", "bad");

        ledger.Compact(Start);

        var reloaded = NewLedger();
        Assert.Equal("open", Assert.Single(reloaded.GetUnresolvedSubmissions()).IdempotencyKey);
        Assert.Equal("still unknown", reloaded.FindSubmission("open")!.Request.Prompt);
        Assert.Null(reloaded.FindSubmission("refused"));
        Assert.Equal("done", reloaded.Find("tk-done")!.IdempotencyKey);
    }

    [Fact]
    public void Every_place_a_video_was_saved_is_remembered_also_after_compaction()
    {
        var ledger = NewLedger();
        ledger.RecordSubmitted(Submission("tk-a"));
        ledger.RecordStatus("tk-a", "success", "https://temp.hiapi.ai/a.mp4", Start.AddDays(1), null, null);

        ledger.RecordSaved("tk-a", "/clips/one/tk-a.mp4", 100);
        ledger.RecordSaved("tk-a", "/clips/two/tk-a.mp4", 100);
        ledger.RecordSaved("tk-a", "/clips/one/tk-a.mp4", 120);

        Assert.Equal(
            [new SavedFile("/clips/two/tk-a.mp4", 100), new SavedFile("/clips/one/tk-a.mp4", 120)],
            NewLedger().Find("tk-a")!.SavedFiles);

        ledger.Compact(Start);
        Assert.Equal(
            [new SavedFile("/clips/two/tk-a.mp4", 100), new SavedFile("/clips/one/tk-a.mp4", 120)],
            NewLedger().Find("tk-a")!.SavedFiles);
    }

    [Fact]
    public void A_saved_files_hash_is_kept_also_after_compaction_and_never_lent_to_a_later_save_without_one()
    {
        var ledger = NewLedger();
        ledger.RecordSubmitted(Submission("tk-h"));
        ledger.RecordStatus("tk-h", "success", "https://temp.hiapi.ai/h.mp4", Start.AddDays(1), null, null);
        var hash = new string('a', 64);

        ledger.RecordSaved("tk-h", "/clips/tk-h.mp4", 100, hash);
        Assert.Equal([new SavedFile("/clips/tk-h.mp4", 100, hash)], NewLedger().Find("tk-h")!.SavedFiles);
        ledger.Compact(Start);
        Assert.Equal([new SavedFile("/clips/tk-h.mp4", 100, hash)], NewLedger().Find("tk-h")!.SavedFiles);

        // An older version's save event (no hash) replaces the place: the earlier hash does not describe it.
        ledger.RecordSaved("tk-h", "/clips/tk-h.mp4", 90);
        Assert.Equal([new SavedFile("/clips/tk-h.mp4", 90)], NewLedger().Find("tk-h")!.SavedFiles);
        ledger.RecordSaved("tk-h", "/clips/other.mp4", 100, hash);
        ledger.Compact(Start);
        Assert.Equal(
            [new SavedFile("/clips/tk-h.mp4", 90), new SavedFile("/clips/other.mp4", 100, hash)],
            NewLedger().Find("tk-h")!.SavedFiles);
    }

    [Fact]
    public void A_saved_hash_that_cannot_be_one_is_dropped_and_the_save_kept()
    {
        File.WriteAllText(folder.LedgerPath,
            """{"taskId":"tk-x","status":"success","updatedAt":"2026-01-01T00:00:00+00:00"}""" + "\n" +
            """{"taskId":"tk-x","savedPath":"/clips/x.mp4","savedLength":5,"savedSha256":"NOT-A-HASH","updatedAt":"2026-01-01T00:00:00+00:00"}""" + "\n");

        Assert.Equal([new SavedFile("/clips/x.mp4", 5)], NewLedger().Find("tk-x")!.SavedFiles);
    }

    private TaskLedger NewLedger() => new(folder.LedgerPath, new LedgerOptions { TimeProvider = clock });

    private static LedgerEntry Submission(string taskId, string? idempotencyKey = null) => new()
    {
        TaskId = taskId,
        IdempotencyKey = idempotencyKey,
        Model = "happyhorse-1.1/text-to-video",
        Request = new VideoRequest { Prompt = "a calm ocean wave at sunset", Resolution = "720p", Duration = 3 },
        Status = "queued",
    };
}
