namespace HiApi.Client.Tests;

public sealed class BatchFlowTests
{
    [Fact]
    public async Task ABatchOfTwentyTasks_IsWaitedForAtOnce_AndSavedAsEachSucceeds()
    {
        await using var harness = await EmulatorHarness.StartAsync();
        var client = harness.Client();

        // Ten slow tasks first, then ten fast ones: waiting one after another would report the slow ones first.
        harness.Server.Options.HandlingMs = 8_000; // a margin a busy machine cannot use up before the fast ones finish
        var slow = new List<HiApiTask>();
        for (var i = 0; i < 10; i++)
        {
            slow.Add(await client.CreateTaskAsync(new VideoRequest { Prompt = $"slow {i}", Duration = 3 }));
        }

        harness.Server.Options.HandlingMs = 50;
        var fast = new List<HiApiTask>();
        for (var i = 0; i < 10; i++)
        {
            fast.Add(await client.CreateTaskAsync(new VideoRequest { Prompt = $"fast {i}", Duration = 3 }));
        }

        await using var waiter = new TaskWaiter(client, EmulatorHarness.QuickWait());
        foreach (var task in slow.Concat(fast))
        {
            waiter.Add(task);
        }

        waiter.CompleteAdding();
        var downloader = new VideoDownloader();
        var order = new List<string>();
        var saves = new List<Task<FileInfo>>();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (await waiter.ReadAsync(limit.Token) is { } next)
        {
            Assert.Equal(WaitEventKind.Succeeded, next.Kind);
            order.Add(next.Task.Prompt!);
            saves.Add(downloader.DownloadAsync(next.Task, SavePathResolver.ResolveTargetFile(harness.Directory, next.Task.TaskId), harness.Download(), limit.Token));
        }

        var files = await Task.WhenAll(saves);

        Assert.Equal(20, order.Count);
        Assert.All(order.Take(10), prompt => Assert.StartsWith("fast", prompt));
        Assert.All(order.Skip(10), prompt => Assert.StartsWith("slow", prompt));
        Assert.Equal(20, files.Select(f => f.FullName).Distinct().Count());
        Assert.All(files, f => Assert.Equal(EmulatorHarness.FixtureBytes().Length, f.Length));
        Assert.Equal(20, harness.Server.Tasks.Count);
        Assert.Equal(20, (await harness.RecordedAsync("create", 20)).Count);
        var progress = waiter.GetProgress();
        Assert.Equal((20, 20, 20), (progress.Total, progress.Finished, progress.CountsByStatus[HiApiTaskStatus.Success]));
    }
}
