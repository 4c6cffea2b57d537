using HiApi.Emulator;

namespace HiApi.Client.Tests;

/// <summary>Downloads and polling against an emulator that misbehaves, and output URLs that expire.</summary>
public sealed class DownloadFlowTests
{
    [Fact]
    public async Task WaitingAndDownloading_SurviveServerErrorsDropsAndCutShortBodies()
    {
        await using var harness = await EmulatorHarness.StartAsync(o =>
        {
            o.VideoSizeBytes = 2_000_000;
            o.HandlingMs = 800; // a dozen polls per task, so the GETs meet faults too
            o.RandomSeed = 20260601;
        });
        var client = harness.Client();
        var tasks = new List<HiApiTask>();
        for (var i = 0; i < 4; i++)
        {
            tasks.Add(await client.CreateTaskAsync(new VideoRequest { Prompt = $"flaky {i}" }));
        }

        harness.Server.Options.Faults = new FaultOptions
        {
            ServerErrorRate = 0.2,
            DropConnectionRate = 0.1,
            TruncateDownloadRate = 0.5,
            TooManyRequestsRate = 0.05,
        };
        var events = await EmulatorHarness.WaitAllAsync(client, tasks);
        var downloader = new VideoDownloader();
        var files = new List<FileInfo>();
        foreach (var done in events)
        {
            Assert.Equal(WaitEventKind.Succeeded, done.Kind);
            files.Add(await downloader.DownloadAsync(done.Task, Path.Combine(harness.Directory, done.Task.TaskId + ".mp4"), harness.Download()));
        }

        // The dice decide how many downloads get cut; keep saving copies until one was, so the resume path ran.
        for (var copy = 0; harness.Server.Faults.TruncatedDownloads == 0 && copy < 40; copy++)
        {
            files.Add(await downloader.DownloadAsync(events[0].Task, Path.Combine(harness.Directory, $"copy-{copy}.mp4"), harness.Download()));
        }

        harness.Server.Options.Faults = new FaultOptions();
        var clean = await downloader.DownloadAsync(events[0].Task, Path.Combine(harness.Directory, "clean.mp4"), harness.Download());

        Assert.True(files.Count >= 4);
        var expected = await File.ReadAllBytesAsync(clean.FullName);
        Assert.Equal(2_000_000, expected.Length);
        foreach (var file in files)
        {
            Assert.Equal(expected, await File.ReadAllBytesAsync(file.FullName));
        }

        Assert.Empty(Directory.GetFiles(harness.Directory, "*.partial"));
        var faults = harness.Server.Faults;
        Assert.True(faults.TruncatedDownloads > 0, "a download was cut short");
        Assert.True(faults.ServerErrors + faults.DroppedConnections > 0, "server errors or drops were injected");
        Assert.NotEmpty(await harness.RecordedAsync(r => r.Kind == "download" && r.StatusCode == 206, 1));
        Assert.True(client.RetryCount > 0);
    }

    [Fact]
    public async Task AnExpiredOutput_IsRefusedBeforeAnyRequest()
    {
        await using var harness = await EmulatorHarness.StartAsync(o => o.OutputLifetimeSeconds = 0);
        var client = harness.Client();
        var submitted = await client.CreateTaskAsync(new VideoRequest { Prompt = "p" });
        var done = Assert.Single(await EmulatorHarness.WaitAllAsync(client, new[] { submitted }));
        await Eventually.TrueAsync(() => DateTimeOffset.UtcNow > done.Task.ExpiresAt, "the output URL expired");

        var exception = await Assert.ThrowsAsync<HiApiException>(() =>
            new VideoDownloader().DownloadAsync(done.Task, Path.Combine(harness.Directory, "late.mp4"), harness.Download()));

        Assert.Equal(HiApiErrorKind.OutputExpired, exception.Kind);
        Assert.Contains(submitted.TaskId, exception.Message);
        Assert.Empty(harness.RequestsOfKind("download"));
    }

    [Fact]
    public async Task StorageThatSaysExpired_IsOutputExpired_EvenIfTheLocalClockDisagrees()
    {
        await using var harness = await EmulatorHarness.StartAsync(o => o.OutputLifetimeSeconds = 0);
        var client = harness.Client();
        var submitted = await client.CreateTaskAsync(new VideoRequest { Prompt = "p" });
        var done = Assert.Single(await EmulatorHarness.WaitAllAsync(client, new[] { submitted }));
        await Eventually.TrueAsync(() => DateTimeOffset.UtcNow > done.Task.ExpiresAt, "the output URL expired");
        // Same signed URL, but a (skewed) local belief that it is still valid: storage has the last word.
        var believed = new HiApiTask(done.Task.TaskId)
        {
            Status = HiApiTaskStatus.Success,
            Outputs = new[] { new TaskOutput("video", done.Task.VideoUrl!, DateTimeOffset.UtcNow.AddHours(1)) },
        };

        var exception = await Assert.ThrowsAsync<HiApiException>(() =>
            new VideoDownloader().DownloadAsync(believed, Path.Combine(harness.Directory, "late.mp4"), harness.Download()));

        Assert.Equal(HiApiErrorKind.OutputExpired, exception.Kind);
        Assert.Equal(403, exception.StatusCode);
        Assert.Contains("Request has expired", exception.Message);
        Assert.Single(await harness.RecordedAsync("download", 1));
        Assert.Empty(Directory.GetFiles(harness.Directory));
    }

    [Fact]
    public async Task AnExistingFile_IsKeptWithoutForce_AndReplacedWithIt()
    {
        await using var harness = await EmulatorHarness.StartAsync();
        var client = harness.Client();
        var done = Assert.Single(await EmulatorHarness.WaitAllAsync(client, new[] { await client.CreateTaskAsync(new VideoRequest { Prompt = "p" }) }));
        var target = Path.Combine(harness.Directory, "video.mp4");
        await File.WriteAllTextAsync(target, "keep me");

        var refused = await Assert.ThrowsAsync<HiApiException>(() => new VideoDownloader().DownloadAsync(done.Task, target, harness.Download()));
        Assert.Equal(HiApiErrorKind.FileExists, refused.Kind);
        Assert.Equal("keep me", await File.ReadAllTextAsync(target));
        Assert.Single(harness.RequestsOfKind("download")); // its headers only: another length cannot be this video
        Assert.Equal(new[] { target }, Directory.GetFiles(harness.Directory));

        await new VideoDownloader().DownloadAsync(done.Task, target, harness.Download(force: true));
        Assert.Equal(EmulatorHarness.FixtureBytes(), await File.ReadAllBytesAsync(target));
    }
}
