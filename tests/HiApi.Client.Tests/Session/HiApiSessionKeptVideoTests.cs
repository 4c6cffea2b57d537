namespace HiApi.Client.Tests;

/// <summary>
/// Issue 17: a verified video whose rename kept failing (Windows: something held the target) is kept under a visible
/// name, recorded in the ledger where it is, and the same save run again moves it into place without downloading
/// it, so it survives even when the signed URL has expired by then.
/// </summary>
public sealed class HiApiSessionKeptVideoTests : IAsyncLifetime
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
    public async Task AKeptVideo_IsRecorded_AndTheSameSaveRunAgainMovesItIntoPlace_WithoutDownloading()
    {
        var target = Path.Combine(_emulator.Directory, "clips", "held.mp4");
        var held = true; // a media player holds the target, then is closed
        var downloader = new VideoDownloader
        {
            MoveFile = (from, to, overwrite) =>
            {
                if (held && to == target)
                {
                    throw new IOException("The process cannot access the file because it is being used by another process.", unchecked((int)0x80070020));
                }

                File.Move(from, to, overwrite);
            },
            RenameRetryDelays = [TimeSpan.Zero, TimeSpan.Zero],
        };
        var session = new HiApiSession(_emulator.Client(), new TaskLedger(_ledgerPath), downloader);
        var done = await WaitForSuccessAsync(session, await session.SubmitAsync(new VideoRequest { Prompt = "held open" }));
        session.RecordStatus(done);

        var failure = await Assert.ThrowsAsync<HiApiException>(() => session.SaveAsync(done, target, _emulator.Download()));

        var kept = failure.KeptFile!;
        Assert.Equal(EmulatorHarness.FixtureBytes(), await File.ReadAllBytesAsync(kept));
        Assert.Contains(new TaskLedger(_ledgerPath).Find(done.TaskId)!.SavedFiles, saved => saved.Path == kept);
        Assert.DoesNotContain(session.GetPending(), pending => pending.TaskId == done.TaskId); // saved, if not yet where asked

        // The player is closed; storage no longer serves the video (the URL expired): nothing may be downloaded now.
        held = false;
        _emulator.Server.Options.StorageServesHtml = true;
        var downloads = _emulator.RequestsOfKind("download").Count;
        var again = await session.SaveAsync(done, target, _emulator.Download());

        Assert.False(again.AlreadySaved);
        Assert.Equal(target, again.File.FullName);
        Assert.Equal(EmulatorHarness.FixtureBytes(), await File.ReadAllBytesAsync(target));
        Assert.False(File.Exists(kept));
        Assert.Equal(downloads, _emulator.RequestsOfKind("download").Count);
        Assert.Contains(new TaskLedger(_ledgerPath).Find(done.TaskId)!.SavedFiles, saved => saved.Path == target);

        var third = await session.SaveAsync(done, target, _emulator.Download());
        Assert.True(third.AlreadySaved);
    }

    [Fact]
    public async Task AKeptCopyOfAnotherTarget_IsNotTakenForThisOne()
    {
        var session = new HiApiSession(_emulator.Client(), new TaskLedger(_ledgerPath));
        var done = await WaitForSuccessAsync(session, await session.SubmitAsync(new VideoRequest { Prompt = "two names" }));
        var first = Path.Combine(_emulator.Directory, "a.mp4");
        Directory.CreateDirectory(_emulator.Directory);
        await File.WriteAllTextAsync(first, "another file in the way");

        var refused = await Assert.ThrowsAsync<HiApiException>(() => session.SaveAsync(done, first, _emulator.Download()));
        Assert.Equal(HiApiErrorKind.FileExists, refused.Kind);
        Assert.Null(refused.KeptFile); // another length: stopped at the headers, nothing to keep

        var second = Path.Combine(_emulator.Directory, "b.mp4");
        var downloads = _emulator.RequestsOfKind("download").Count;
        await session.SaveAsync(done, second, _emulator.Download());
        Assert.Equal(downloads + 1, _emulator.RequestsOfKind("download").Count);
    }

    private static async Task<HiApiTask> WaitForSuccessAsync(HiApiSession session, HiApiTask task)
    {
        var events = await EmulatorHarness.WaitAllAsync(session.Client, [task]);
        var finished = Assert.Single(events);
        Assert.Equal(WaitEventKind.Succeeded, finished.Kind);
        return finished.Task;
    }
}
