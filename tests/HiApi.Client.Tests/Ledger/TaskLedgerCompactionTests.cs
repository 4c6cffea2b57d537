using System.Text.Json;

namespace HiApi.Client.Tests.Ledger;

public sealed class TaskLedgerCompactionTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly LedgerTestFolder folder = new();
    private readonly ManualTimeProvider clock = new(Start);

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Compaction_keeps_pending_and_recent_work_and_drops_old_finished_work()
    {
        var ledger = NewLedger(new LedgerOptions { TimeProvider = clock, Retention = TimeSpan.FromDays(30) });
        // Updated 40 days before the compaction:
        Submit(ledger, "old-saved", "success", expiresAt: Start.AddDays(1), saved: true);
        Submit(ledger, "old-failed", "fail");
        Submit(ledger, "old-expired", "success", expiresAt: Start.AddDays(1));
        Submit(ledger, "old-queued", "queued");
        Submit(ledger, "old-downloadable", "success", expiresAt: Start.AddDays(60));
        // Updated a day before the compaction:
        clock.Now = Start.AddDays(39);
        Submit(ledger, "recent-saved", "success", expiresAt: Start.AddDays(40), saved: true);
        Submit(ledger, "recent-failed", "fail");
        Submit(ledger, "recent-expired", "success", expiresAt: Start.AddDays(39).AddHours(1));
        var compactionTime = Start.AddDays(40);
        var before = ledger.Load();
        var pendingBefore = ledger.GetPending().Where(entry => !entry.IsExpired(compactionTime)).ToArray();

        var result = ledger.Compact(compactionTime);

        var after = new TaskLedger(folder.LedgerPath).Load();
        string[] keptIds = ["old-queued", "old-downloadable", "recent-saved", "recent-failed", "recent-expired"];
        Assert.Equal(keptIds, after.Select(entry => entry.TaskId));
        foreach (var kept in after)
        {
            LedgerAssert.SameEntry(before.Single(entry => entry.TaskId == kept.TaskId), kept);
        }

        Assert.All(pendingBefore, pending => Assert.Contains(after, entry => entry.TaskId == pending.TaskId));
        Assert.Equal(new LedgerCompactionResult(8, 5, result.BytesBefore, new FileInfo(folder.LedgerPath).Length), result);
        Assert.True(result.BytesAfter < result.BytesBefore, $"{result.BytesAfter} should be below {result.BytesBefore}");
        Assert.Equal(1 + keptIds.Length, LedgerAssert.FileLines(folder.LedgerPath).Length); // header + one line per task
        Assert.False(File.Exists(folder.LedgerPath + ".tmp"));
    }

    [Fact]
    public void Compaction_folds_many_events_into_one_line_per_task_without_changing_state()
    {
        var ledger = NewLedger(new LedgerOptions { TimeProvider = clock });
        for (var i = 0; i < 20; i++)
        {
            ledger.RecordSubmitted(LedgerSampleEntries.Create("fold", i));
            ledger.RecordStatus(LedgerSampleEntries.TaskId("fold", i), "handling", null, null, null, null);
            ledger.RecordStatus(LedgerSampleEntries.TaskId("fold", i), "archiving", null, null, null, null);
        }

        var before = ledger.Load();

        var result = ledger.Compact(Start);

        Assert.Equal(new LedgerCompactionResult(20, 20, result.BytesBefore, result.BytesAfter), result);
        Assert.True(result.BytesAfter < result.BytesBefore);
        Assert.Equal(21, LedgerAssert.FileLines(folder.LedgerPath).Length);
        Assert.Equal(
            JsonSerializer.Serialize(before),
            JsonSerializer.Serialize(new TaskLedger(folder.LedgerPath).Load()));
    }

    [Fact]
    public void Writes_past_the_size_threshold_compact_the_file_automatically()
    {
        const long threshold = 8 * 1024;
        var ledger = NewLedger(new LedgerOptions { TimeProvider = clock, CompactWhenLargerThanBytes = threshold });
        ledger.RecordSubmitted(new LedgerEntry { TaskId = "tk-poller", Request = new VideoRequest { Prompt = "polled a lot" } });
        ledger.RecordSubmitted(new LedgerEntry { TaskId = "tk-quiet", Request = new VideoRequest { Prompt = "kept as is" } });
        string[] statuses = ["queued", "handling", "archiving"];
        var writes = 0;
        long largest = 0;
        for (; writes < 300; writes++)
        {
            clock.Now = clock.Now.AddSeconds(5);
            ledger.RecordStatus("tk-poller", statuses[writes % statuses.Length], null, null, null, null);
            largest = Math.Max(largest, new FileInfo(folder.LedgerPath).Length);
        }

        var lines = LedgerAssert.FileLines(folder.LedgerPath);
        Assert.True(largest <= threshold + 1024, $"the file reached {largest} bytes");
        Assert.True(lines.Length < writes / 2, $"{lines.Length} lines for {writes} writes: no compaction happened");
        var entries = new TaskLedger(folder.LedgerPath).Load();
        Assert.Equal(new[] { "tk-poller", "tk-quiet" }, entries.Select(entry => entry.TaskId));
        Assert.Equal(statuses[(writes - 1) % statuses.Length], entries[0].Status);
        Assert.Equal("kept as is", entries[1].Prompt);
    }

    [Fact]
    public void A_large_ledger_that_compaction_cannot_shrink_is_not_rewritten_on_every_write()
    {
        var ledger = NewLedger(new LedgerOptions { TimeProvider = clock, CompactWhenLargerThanBytes = 1024 });
        ledger.RecordSubmitted(LedgerSampleEntries.Create("big", 0));
        var header = LedgerAssert.FileLines(folder.LedgerPath)[0];

        for (var i = 1; i < 20; i++)
        {
            ledger.RecordSubmitted(LedgerSampleEntries.Create("big", i));
        }

        var lines = LedgerAssert.FileLines(folder.LedgerPath);
        Assert.True(new FileInfo(folder.LedgerPath).Length > 1024);
        Assert.Equal(header, lines[0]); // same generation: the file was never replaced
        Assert.Equal(21, lines.Length);
    }

    [Fact]
    public void Write_ahead_submissions_past_the_threshold_are_compacted_now_and_then_not_on_every_task()
    {
        // Each task is two lines (the submission before the POST, the task id after it); compaction folds them into one.
        // It pays off once a third of the lines can go, not at every answered submission; and it keeps coming back as
        // the tasks double (with a half, two lines a task never reach it again after a first compaction).
        var ledger = NewLedger(new LedgerOptions { TimeProvider = clock, CompactWhenLargerThanBytes = 1024 });
        var generations = new HashSet<string>();
        const int tasks = 60;
        for (var i = 0; i < tasks; i++)
        {
            var key = $"hiapi-video-{i:x32}";
            var request = new VideoRequest { Prompt = $"shot {i} " + new string('x', 100), Duration = 3 };
            ledger.Claim(new PlannedSubmission(request, key, "batch", i + 1));
            ledger.RecordSubmitted(new LedgerEntry { TaskId = $"tk-{i}", IdempotencyKey = key, Model = HiApiModels.TextToVideo, Request = request });
            generations.Add(LedgerAssert.FileLines(folder.LedgerPath)[0]);
        }

        Assert.InRange(generations.Count, 3, 12);
        Assert.True(LedgerAssert.FileLines(folder.LedgerPath).Length < 1.5 * tasks, "the file holds far fewer than two lines a task");
        Assert.Equal(tasks, ledger.Load().Count);
        Assert.Empty(ledger.GetUnresolvedSubmissions());
    }

    [Fact]
    public void A_compaction_the_ledger_cannot_take_is_tried_once_then_not_again_for_a_while()
    {
        // Windows refuses to replace a file another program holds open (another session's fsync, Get-Content -Wait,
        // a sync client): simulated here by a replace step that always fails, and counts its attempts.
        var attempts = 0;
        var ledger = NewLedger(new LedgerOptions
        {
            TimeProvider = clock,
            CompactWhenLargerThanBytes = 2048,
            ReplaceFile = (_, _) =>
            {
                attempts++;
                throw new IOException("The process cannot access the file because it is being used by another process.");
            },
        });
        ledger.RecordSubmitted(new LedgerEntry { TaskId = "tk-poller", Request = new VideoRequest { Prompt = "polled a lot" } });
        string[] statuses = ["queued", "handling", "archiving"];
        var writes = 0;
        void Poll()
        {
            clock.Now = clock.Now.AddMilliseconds(100);
            ledger.RecordStatus("tk-poller", statuses[writes++ % statuses.Length], null, null, null, null);
        }

        while (attempts == 0)
        {
            Poll();
        }

        // One attempt, no retries (each would come after a sleep with the cross-process lock held)...
        Assert.Equal(1, attempts);
        Assert.Equal(statuses[(writes - 1) % statuses.Length], new TaskLedger(folder.LedgerPath).Find("tk-poller")!.Status); // the event is in
        Assert.False(File.Exists(folder.LedgerPath + ".tmp"));

        // ...and none on the writes that follow (each would rewrite the whole file) until both enough time and
        // enough writes have passed: time alone is not enough...
        clock.Now += TaskLedger.CompactionRetryAfter;
        for (var i = 1; i < TaskLedger.CompactionRetryAfterWrites; i++)
        {
            Poll();
        }

        Assert.Equal(1, attempts);
        Poll();
        Assert.Equal(2, attempts);

        // ...nor are writes alone.
        for (var i = 0; i < 2 * TaskLedger.CompactionRetryAfterWrites; i++)
        {
            Poll();
        }

        Assert.Equal(2, attempts);

        var lines = LedgerAssert.FileLines(folder.LedgerPath);
        Assert.Equal(1 + 1 + writes, lines.Length); // header, submission, every poll: nothing lost, nothing rewritten
        Assert.Equal(statuses[(writes - 1) % statuses.Length], new TaskLedger(folder.LedgerPath).Find("tk-poller")!.Status);
    }

    [Fact]
    public void A_compaction_that_succeeds_again_after_the_pause_shrinks_the_file()
    {
        var failing = true;
        var ledger = NewLedger(new LedgerOptions
        {
            TimeProvider = clock,
            CompactWhenLargerThanBytes = 2048,
            ReplaceFile = (temporary, target) =>
            {
                if (failing)
                {
                    throw new UnauthorizedAccessException("Access to the path is denied.");
                }

                File.Move(temporary, target, overwrite: true);
            },
        });
        ledger.RecordSubmitted(new LedgerEntry { TaskId = "tk-poller" });
        for (var i = 0; i < 2 * TaskLedger.CompactionRetryAfterWrites; i++)
        {
            ledger.RecordStatus("tk-poller", i % 2 == 0 ? "queued" : "handling", null, null, null, null);
        }

        failing = false;
        clock.Now += TaskLedger.CompactionRetryAfter;
        ledger.RecordStatus("tk-poller", "archiving", null, null, null, null);

        Assert.Equal(2, LedgerAssert.FileLines(folder.LedgerPath).Length); // header and the one task
        Assert.Equal("archiving", new TaskLedger(folder.LedgerPath).Find("tk-poller")!.Status);
    }

    [Fact]
    public void An_explicit_compaction_the_ledger_cannot_take_says_so_and_leaves_the_ledger_as_it_was()
    {
        var ledger = NewLedger(new LedgerOptions
        {
            TimeProvider = clock,
            ReplaceFile = (_, _) => throw new IOException("The process cannot access the file because it is being used by another process."),
        });
        ledger.RecordSubmitted(new LedgerEntry { TaskId = "tk-a" });
        ledger.RecordStatus("tk-a", "handling", null, null, null, null);
        var before = File.ReadAllBytes(folder.LedgerPath);

        var refused = Assert.Throws<IOException>(() => ledger.Compact(Start));

        Assert.Contains("being used by another process", refused.Message);
        Assert.Equal(before, File.ReadAllBytes(folder.LedgerPath));
        Assert.False(File.Exists(folder.LedgerPath + ".tmp"));
    }

    private TaskLedger NewLedger(LedgerOptions options) => new(folder.LedgerPath, options);

    private void Submit(TaskLedger ledger, string taskId, string status, DateTimeOffset? expiresAt = null, bool saved = false)
    {
        ledger.RecordSubmitted(new LedgerEntry { TaskId = taskId, Model = "happyhorse-1.1/text-to-video", Request = new VideoRequest { Model = "happyhorse-1.1/text-to-video", Prompt = taskId, Duration = 3 } });
        ledger.RecordStatus(taskId, status, status == "success" ? $"https://temp.hiapi.ai/{taskId}.mp4" : null, expiresAt, null, null);
        if (saved)
        {
            ledger.RecordSaved(taskId, Path.Combine(folder.FolderPath, taskId + ".mp4"), 1000);
        }
    }
}
