using HiApi.Emulator;

namespace HiApi.Client.Tests;

/// <summary>
/// HiApiSession is what every cmdlet calls: the client plus the ledger. These tests pin the bookkeeping that
/// keeps a paid task from being lost: recorded before it is returned (even when the caller gives up waiting),
/// request fields remembered for bare ids, saved files not downloaded twice, expiry said plainly.
/// </summary>
public sealed class HiApiSessionTests : IAsyncLifetime
{
    private EmulatorHarness _emulator = null!;
    private string _ledgerPath = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorHarness.StartAsync();
        _ledgerPath = Path.Combine(_emulator.Directory, "ledger.jsonl");
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task A_submitted_task_is_in_the_ledger_when_SubmitAsync_returns()
    {
        var session = NewSession();
        var task = await session.SubmitAsync(new VideoRequest { Prompt = "recorded", Duration = 4, Resolution = "720p" });

        var entry = new TaskLedger(_ledgerPath).Find(task.TaskId);
        Assert.NotNull(entry);
        Assert.Equal("recorded", entry!.Prompt);
        Assert.Equal(4, entry.Duration);
        Assert.Equal(task.SubmittedAt, entry.SubmittedAt);
        Assert.True(entry.IsPending);
    }

    [Fact]
    public async Task A_submission_cancelled_in_flight_is_recovered_by_its_key_without_paying_twice()
    {
        // The answer to the POST is slow (after the task was created): the caller gives up (Ctrl+C) first.
        // A minute: the test, however slowly it runs, sees the task and cancels long before the answer would come.
        _emulator.Server.Options.Faults = new FaultOptions { FaultCreate = true, SlowResponseRate = 1, SlowResponseDelayMs = 60_000 };
        var session = NewSession();
        using var stop = new CancellationTokenSource();

        var submission = session.SubmitAsync(new VideoRequest { Prompt = "ctrl+c", Duration = 3 }, ct: stop.Token);
        await Eventually.TrueAsync(() => _emulator.Server.Tasks.Count == 1, "the emulator created the task");
        stop.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => submission);
        var created = _emulator.Server.Tasks.Single();
        var unresolved = Assert.Single(new TaskLedger(_ledgerPath).GetUnresolvedSubmissions());
        Assert.Equal("ctrl+c", unresolved.Request.Prompt);

        _emulator.Server.Options.Faults = new FaultOptions();
        var settled = await NewSession().SettleAsync(unresolved);

        Assert.Equal(created.TaskId, settled.TaskId);
        Assert.Equal("ctrl+c", settled.Prompt);
        Assert.Single(_emulator.Server.Tasks);
        Assert.Empty(new TaskLedger(_ledgerPath).GetUnresolvedSubmissions());
        Assert.Contains(new TaskLedger(_ledgerPath).GetPending(), entry => entry.TaskId == created.TaskId);
    }

    [Fact]
    public async Task A_task_known_only_by_id_gets_its_request_back_from_the_ledger()
    {
        var session = NewSession();
        var submitted = await session.SubmitAsync(new VideoRequest { Prompt = "remember me", Duration = 5, AspectRatio = "9:16" });

        var remembered = session.Remember(HiApiTask.FromId(submitted.TaskId));
        Assert.Equal("remember me", remembered.Prompt);
        Assert.Equal("9:16", remembered.AspectRatio);
        Assert.Equal(submitted.SubmittedAt, remembered.SubmittedAt);

        var fresh = await session.GetAsync(submitted.TaskId);
        Assert.Equal("remember me", fresh.Prompt);
        Assert.Equal(5, fresh.Duration);
    }

    [Fact]
    public async Task Waiting_and_saving_clear_the_pending_list()
    {
        var session = NewSession();
        var submitted = await session.SubmitAsync(new VideoRequest { Prompt = "pending until saved" });
        Assert.Equal([submitted.TaskId], session.GetPending().Select(t => t.TaskId));

        var done = await WaitForSuccessAsync(session, submitted);
        session.RecordStatus(done);
        var pending = Assert.Single(session.GetPending());
        Assert.Equal(HiApiTaskStatus.Success, pending.Status);
        Assert.Equal(done.VideoUrl, pending.VideoUrl);

        await session.SaveAsync(done, Path.Combine(_emulator.Directory, "clip.mp4"), _emulator.Download());
        Assert.Empty(session.GetPending());
    }

    [Fact]
    public async Task A_video_saved_and_intact_is_not_downloaded_again_unless_forced()
    {
        var session = NewSession();
        var done = await WaitForSuccessAsync(session, await session.SubmitAsync(new VideoRequest { Prompt = "once" }));
        var target = Path.Combine(_emulator.Directory, "once.mp4");

        var first = await session.SaveAsync(done, target, _emulator.Download());
        Assert.False(first.AlreadySaved);
        var downloads = (await _emulator.RecordedAsync("download", 1)).Count;

        var second = await session.SaveAsync(done, target, _emulator.Download());
        Assert.True(second.AlreadySaved);
        Assert.Equal(first.File.FullName, second.File.FullName);
        Assert.Equal(downloads, _emulator.RequestsOfKind("download").Count);

        var forced = await session.SaveAsync(done, target, _emulator.Download(force: true));
        Assert.False(forced.AlreadySaved);
        await _emulator.RecordedAsync("download", downloads + 1);
    }

    [Theory]
    [InlineData("cut short")]
    [InlineData("rewritten")]
    [InlineData("moov size")] // same length, still starts with ftyp: the structure check tells
    [InlineData("a media byte")] // same length, same structure: only the recorded hash tells
    public async Task The_tasks_own_save_damaged_since_is_downloaded_again_with_a_warning_that_says_what_was_wrong(string damage)
    {
        var warnings = new List<string>();
        var session = new HiApiSession(_emulator.Client(), new TaskLedger(_ledgerPath), warn: warnings.Add);
        var done = await WaitForSuccessAsync(session, await session.SubmitAsync(new VideoRequest { Prompt = damage }));
        var target = Path.Combine(_emulator.Directory, "damaged.mp4");
        await session.SaveAsync(done, target, _emulator.Download());
        var video = await File.ReadAllBytesAsync(target);
        Assert.Equal(SavedFileHash.Of(target), Assert.Single(new TaskLedger(_ledgerPath).Find(done.TaskId)!.SavedFiles).Sha256);
        var downloads = (await _emulator.RecordedAsync("download", 1)).Count;
        Damage(target, damage);
        if (damage == "a media byte")
        {
            Assert.Equal(Mp4Verdict.Whole, Mp4Structure.Check(target).Verdict); // what the length and structure alone would pass
        }

        var again = await session.SaveAsync(done, target, _emulator.Download());

        Assert.False(again.AlreadySaved);
        Assert.Equal(video, await File.ReadAllBytesAsync(target));
        await _emulator.RecordedAsync("download", downloads + 1);
        var warning = Assert.Single(warnings);
        Assert.Contains($"'{target}' is this task's own earlier save, damaged since", warning);
        Assert.Contains(damage is "cut short" or "rewritten" ? $"not the {video.Length} it was saved with" : "SHA-256", warning);
        Assert.True((await session.SaveAsync(done, target, _emulator.Download())).AlreadySaved); // and now intact again
    }

    [Fact]
    public async Task A_save_recorded_without_a_hash_is_still_skipped_when_intact_and_downloaded_again_when_cut_short()
    {
        var session = NewSession();
        var done = await WaitForSuccessAsync(session, await session.SubmitAsync(new VideoRequest { Prompt = "older ledger" }));
        var target = Path.Combine(_emulator.Directory, "older.mp4");
        await session.SaveAsync(done, target, _emulator.Download());
        // What an older version wrote: the place and the length, no hash.
        new TaskLedger(_ledgerPath).RecordSaved(done.TaskId, target, new FileInfo(target).Length);
        Assert.Null(Assert.Single(new TaskLedger(_ledgerPath).Find(done.TaskId)!.SavedFiles).Sha256);

        Assert.True((await session.SaveAsync(done, target, _emulator.Download())).AlreadySaved);
        Damage(target, "cut short");
        Assert.False((await session.SaveAsync(done, target, _emulator.Download())).AlreadySaved);
        Assert.Equal(Mp4Verdict.Whole, Mp4Structure.Check(target).Verdict);
    }

    [Fact]
    public async Task A_file_the_task_never_saved_there_is_still_refused()
    {
        var session = NewSession();
        var done = await WaitForSuccessAsync(session, await session.SubmitAsync(new VideoRequest { Prompt = "not ours" }));
        await session.SaveAsync(done, Path.Combine(_emulator.Directory, "ours.mp4"), _emulator.Download());
        var theirs = Path.Combine(_emulator.Directory, "theirs.mp4");
        await File.WriteAllTextAsync(theirs, "the user's own file");

        var refused = await Assert.ThrowsAsync<HiApiException>(() => session.SaveAsync(done, theirs, _emulator.Download()));

        Assert.Equal(HiApiErrorKind.FileExists, refused.Kind);
        Assert.Equal("the user's own file", await File.ReadAllTextAsync(theirs));
    }

    private static void Damage(string path, string damage)
    {
        var length = new FileInfo(path).Length;
        using var file = new FileStream(path, damage == "rewritten" ? FileMode.Create : FileMode.Open, FileAccess.ReadWrite);
        switch (damage)
        {
            case "cut short":
                file.SetLength(length / 2);
                break;
            case "rewritten":
                file.Write("not a video any more"u8);
                break;
            case "moov size":
                file.Position = 32;
                file.Write([0x7F, 0xFF, 0xFF, 0xF0]);
                break;
            default: // the last byte, inside the last box's payload: no box header changes
                file.Position = length - 1;
                var last = (byte)file.ReadByte();
                file.Position = length - 1;
                file.WriteByte((byte)(last ^ 0xFF));
                break;
        }
    }

    [Fact]
    public async Task A_download_that_is_not_a_valid_video_is_not_recorded_as_saved()
    {
        var ledger = new TaskLedger(_ledgerPath);
        ledger.RecordSubmitted(new LedgerEntry { TaskId = "tk-hiapi-PAGE", Status = "queued" });
        var page = new FakeHttpHandler((_, _) => FakeHttpHandler.Text(200, "<html><head><title>Sign in</title></head></html>", "text/html"));
        var session = new HiApiSession(() => throw new InvalidOperationException("no key"), ledger, new VideoDownloader(page));
        var task = new HiApiTask("tk-hiapi-PAGE")
        {
            Status = HiApiTaskStatus.Success,
            Outputs = [new TaskOutput("video", "https://temp.hiapi.example/tk-hiapi-PAGE.mp4?sig=1", DateTimeOffset.UtcNow.AddHours(1))],
        };
        var target = Path.Combine(_emulator.Directory, "page.mp4");

        var failure = await Assert.ThrowsAsync<HiApiException>(() =>
            session.SaveAsync(task, target, new DownloadOptions { RetryPolicy = TestClients.InstantRetries() }));

        Assert.Equal(HiApiErrorKind.InvalidVideo, failure.Kind);
        Assert.Null(new TaskLedger(_ledgerPath).Find("tk-hiapi-PAGE")!.SavedPath);
        Assert.False(File.Exists(target));
    }

    [Fact]
    public void Reading_the_ledger_and_checking_expiry_need_no_key()
    {
        var ledger = new TaskLedger(_ledgerPath);
        ledger.RecordSubmitted(new LedgerEntry { TaskId = "tk-hiapi-NOKEY", Status = "queued", Request = new VideoRequest { Prompt = "offline" } });
        var session = new HiApiSession(() => throw new InvalidOperationException("no key configured"), ledger);

        var pending = Assert.Single(session.GetPending());
        Assert.Equal("offline", pending.Prompt);
        Assert.Equal("offline", session.Remember(HiApiTask.FromId("tk-hiapi-NOKEY")).Prompt);
        Assert.Throws<InvalidOperationException>(() => session.Client);
    }

    [Fact]
    public void An_unsaved_success_past_its_expiry_is_reported_as_lost()
    {
        var ledger = new TaskLedger(_ledgerPath);
        var expiredAt = DateTimeOffset.UtcNow.AddMinutes(-5);
        ledger.RecordSubmitted(new LedgerEntry { TaskId = "tk-hiapi-EXPIRED", Status = "queued" });
        ledger.RecordStatus("tk-hiapi-EXPIRED", "success", "https://temp.hiapi.ai/x.mp4", expiredAt, null, null);
        var session = new HiApiSession(() => throw new InvalidOperationException("no key"), ledger);

        var lost = Assert.Single(session.GetPending());
        var error = HiApiSession.CheckExpired(lost, DateTimeOffset.UtcNow);
        Assert.NotNull(error);
        Assert.Equal(HiApiErrorKind.OutputExpired, error!.Kind);
        Assert.Contains("tk-hiapi-EXPIRED", error.Message);
        Assert.Null(HiApiSession.CheckExpired(lost, expiredAt.AddMinutes(-1)));
    }

    [Fact]
    public async Task Without_a_ledger_the_session_is_the_plain_client()
    {
        var session = new HiApiSession(_emulator.Client(), ledger: null);
        var task = await session.SubmitAsync(new VideoRequest { Prompt = "no ledger" });
        Assert.Empty(session.GetPending());
        Assert.Same(task, session.Remember(task));
        Assert.False(File.Exists(_ledgerPath));
    }

    [Fact]
    public async Task A_submission_older_than_the_key_window_is_not_sent_again_and_reconcile_settles_it()
    {
        // Sent 30 hours ago, never answered: HiAPI may have forgotten the key, so re-sending could pay twice.
        var ledger = new TaskLedger(_ledgerPath);
        ledger.Claim(new PlannedSubmission(new VideoRequest { Prompt = "lost long ago", Duration = 3 }, "hv1.old.1", "old batch", 1), DateTimeOffset.UtcNow.AddHours(-30));
        var session = NewSession();

        var tooOld = await Assert.ThrowsAsync<HiApiException>(() => session.SettleAsync(Assert.Single(ledger.GetUnresolvedSubmissions())));
        Assert.Equal(HiApiErrorKind.Timeout, tooOld.Kind);
        Assert.Contains("Get-HiApiTask -Reconcile", tooOld.Message);
        Assert.Empty(_emulator.Server.Tasks);

        var stranger = await _emulator.Client().CreateTaskAsync(new VideoRequest { Prompt = "made behind the ledger's back", Duration = 3 });
        var found = await session.ReconcileAsync(DateTimeOffset.UtcNow.AddDays(-2));

        Assert.Equal(stranger.TaskId, Assert.Single(found).TaskId);
        Assert.NotNull(new TaskLedger(_ledgerPath).Find(stranger.TaskId));
        Assert.Empty(new TaskLedger(_ledgerPath).GetUnresolvedSubmissions());
        Assert.Empty(await session.ReconcileAsync(DateTimeOffset.UtcNow.AddDays(-2)));
    }

    private HiApiSession NewSession() => new(_emulator.Client(), new TaskLedger(_ledgerPath));

    private static async Task<HiApiTask> WaitForSuccessAsync(HiApiSession session, HiApiTask task)
    {
        var events = await EmulatorHarness.WaitAllAsync(session.Client, [task]);
        var finished = Assert.Single(events);
        Assert.Equal(WaitEventKind.Succeeded, finished.Kind);
        return finished.Task;
    }
}
