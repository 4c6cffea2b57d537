using HiApi.Emulator;

namespace HiApi.Client.Tests;

/// <summary>The whole journey against the emulator: submit, wait, save, for both models.</summary>
public sealed class SubmitWaitSaveFlowTests
{
    [Fact]
    public async Task TextToVideo_SubmitWaitSave()
    {
        await using var harness = await EmulatorHarness.StartAsync();
        var client = harness.Client();

        var submitted = await client.CreateTaskAsync(new VideoRequest { Prompt = "a calm ocean wave at sunset", Duration = 3, Resolution = "720p" });
        var events = await EmulatorHarness.WaitAllAsync(client, new[] { submitted });
        var done = Assert.Single(events);
        var path = SavePathResolver.ResolveTargetFile(harness.Directory, done.Task.TaskId);
        var file = await new VideoDownloader().DownloadAsync(done.Task, path, harness.Download());

        Assert.StartsWith("tk-hiapi-", submitted.TaskId);
        Assert.Equal(WaitEventKind.Succeeded, done.Kind);
        Assert.Equal(("a calm ocean wave at sunset", 3, "720p"), (done.Task.Prompt, done.Task.Duration, done.Task.Resolution));
        Assert.Equal(submitted.SubmittedAt, done.Task.SubmittedAt);
        Assert.True(done.Task.ExpiresAt > DateTimeOffset.UtcNow);
        Assert.Equal(Path.Combine(harness.Directory, submitted.TaskId + ".mp4"), file.FullName);
        Assert.Equal(EmulatorHarness.FixtureBytes(), await File.ReadAllBytesAsync(file.FullName));
        Assert.Single(Directory.GetFiles(harness.Directory));

        var emulated = Assert.Single(harness.Server.Tasks);
        Assert.Equal((submitted.TaskId, "success", 3), (emulated.TaskId, emulated.Status, emulated.Duration));
        var download = Assert.Single(await harness.RecordedAsync("download", 1));
        Assert.All(harness.RequestsOfKind("create").Concat(harness.RequestsOfKind("get")), r => Assert.True(r.HasAuthorization));
        Assert.False(download.HasAuthorization);
        Assert.All(harness.LogLines, line => Assert.DoesNotContain(EmulatorHarness.Key, line));
    }

    [Fact]
    public async Task ImageToVideo_SubmitWaitSave()
    {
        await using var harness = await EmulatorHarness.StartAsync(o => o.VideoSizeBytes = 1_000_000);
        var client = harness.Client();

        var submitted = await client.CreateTaskAsync(new VideoRequest
        {
            Model = HiApiModels.ImageToVideo,
            ImageUrl = "https://example.com/your-still.jpg",
            Prompt = "the cat slowly turns its head",
            Resolution = "1080p",
            Duration = 5,
        });
        var done = Assert.Single(await EmulatorHarness.WaitAllAsync(client, new[] { submitted }));
        var file = await new VideoDownloader().DownloadAsync(done.Task, Path.Combine(harness.Directory, "cat.mp4"), harness.Download());

        Assert.Equal(WaitEventKind.Succeeded, done.Kind);
        Assert.Equal(HiApiModels.ImageToVideo, done.Task.Model);
        Assert.Equal("https://example.com/your-still.jpg", done.Task.ImageUrl);
        Assert.Equal(1_000_000, file.Length);
        var fixture = EmulatorHarness.FixtureBytes();
        Assert.Equal(fixture, (await File.ReadAllBytesAsync(file.FullName)).Take(fixture.Length));
        Assert.Equal(HiApiModels.ImageToVideo, Assert.Single(harness.Server.Tasks).Model);
    }

    [Fact]
    public async Task GetTask_FollowsTheLifecycleInOrder()
    {
        await using var harness = await EmulatorHarness.StartAsync(o => (o.QueuedMs, o.HandlingMs, o.ArchivingMs) = (300, 300, 300));
        var client = harness.Client();
        var submitted = await client.CreateTaskAsync(new VideoRequest { Prompt = "p" });

        var seen = new List<HiApiTaskStatus>();
        HiApiTask latest;
        do
        {
            latest = await client.GetTaskAsync(submitted.TaskId);
            seen.Add(latest.Status);
            await Task.Delay(20);
        }
        while (!latest.IsTerminal);

        // Which stages a poll catches depends on timing; their order does not.
        Assert.Equal(seen.OrderBy(s => s), seen);
        Assert.DoesNotContain(HiApiTaskStatus.Unknown, seen);
        Assert.Equal(HiApiTaskStatus.Success, latest.Status);
        Assert.NotNull(latest.VideoUrl);
        Assert.Equal(submitted.TaskId, latest.TaskId);
    }

    [Fact]
    public async Task AFailingPrompt_BecomesAFailedEventWithTheApiCode()
    {
        await using var harness = await EmulatorHarness.StartAsync();
        var client = harness.Client();

        var submitted = await client.CreateTaskAsync(new VideoRequest { Prompt = "a doomed render [[fail]]" });
        var failed = Assert.Single(await EmulatorHarness.WaitAllAsync(client, new[] { submitted }));

        Assert.Equal(WaitEventKind.Failed, failed.Kind);
        Assert.Equal(HiApiErrorKind.TaskFailed, failed.Error!.Kind);
        Assert.Equal("generation_failed", failed.Error.ErrorCode);
        Assert.Contains(submitted.TaskId, failed.Error.Message);
        Assert.Contains("the model could not generate a video for this prompt", failed.Error.Message);
        var notReady = await Assert.ThrowsAsync<HiApiException>(() =>
            new VideoDownloader().DownloadAsync(failed.Task, Path.Combine(harness.Directory, "x.mp4"), harness.Download()));
        Assert.Equal(HiApiErrorKind.NotReady, notReady.Kind);
        Assert.Empty(harness.RequestsOfKind("download"));
    }

    [Fact]
    public async Task ATaskThatTakesTooLong_TimesOutNamingItsLastStatus()
    {
        await using var harness = await EmulatorHarness.StartAsync(o => o.HandlingMs = 120_000);
        var client = harness.Client();

        var submitted = await client.CreateTaskAsync(new VideoRequest { Prompt = "an epic" });
        var timedOut = Assert.Single(await EmulatorHarness.WaitAllAsync(client, new[] { submitted }, EmulatorHarness.QuickWait(TimeSpan.FromMilliseconds(1500))));

        Assert.Equal(WaitEventKind.TimedOut, timedOut.Kind);
        Assert.Equal(HiApiErrorKind.Timeout, timedOut.Error!.Kind);
        Assert.Equal(HiApiTaskStatus.Handling, timedOut.Task.Status);
        Assert.Contains($"Task {submitted.TaskId} is still handling", timedOut.Error.Message);
    }

    [Fact]
    public async Task AnUnknownTaskId_IsErroredAsNotFound()
    {
        await using var harness = await EmulatorHarness.StartAsync();

        var errored = Assert.Single(await EmulatorHarness.WaitAllAsync(harness.Client(), new[] { HiApiTask.FromId("tk-hiapi-does-not-exist") }));

        Assert.Equal(WaitEventKind.Errored, errored.Kind);
        Assert.Equal(HiApiErrorKind.NotFound, errored.Error!.Kind);
        Assert.Single(await harness.RecordedAsync("get", 1));
    }
}
