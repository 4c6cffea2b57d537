namespace HiApi.Client.Tests;

[Collection(NonParallelCollection.Name)]
public sealed class TaskWaiterScaleTests
{
    [Fact]
    public async Task FiveThousandTasks_AreHeldInWellUnder200MiB()
    {
        const int count = 5_000;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new FakeHttpHandler(async (request, _, ct) =>
        {
            await gate.Task.WaitAsync(ct);
            var id = request.Uri.AbsolutePath["/v1/tasks/".Length..];
            return FakeHttpHandler.Json(200, ApiJson.Success(id, $"https://temp.example/{id}.mp4", 1783131245));
        });
        var options = new WaitOptions { PollInterval = TimeSpan.FromMilliseconds(10), MaxConcurrentPolls = 16 };
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        await using var waiter = new TaskWaiter(TestClients.Create(handler), options);

        for (var i = 0; i < count; i++)
        {
            waiter.Add(new HiApiTask($"tk-hiapi-{i:D20}") { Status = HiApiTaskStatus.Queued, SubmittedAt = DateTimeOffset.UtcNow, Request = new VideoRequest { Prompt = "a prompt of moderate length" } });
        }

        waiter.CompleteAdding();
        await Eventually.TrueAsync(() => handler.Count >= 16, "the first polls are in flight");
        var held = GC.GetTotalMemory(forceFullCollection: true) - before;
        Assert.Equal(16, handler.MaxInFlight);
        gate.SetResult();

        var succeeded = 0;
        while (await Eventually.WithinAsync(waiter.ReadAsync(CancellationToken.None), TimeSpan.FromSeconds(120)) is { } next)
        {
            Assert.Equal(WaitEventKind.Succeeded, next.Kind);
            succeeded++;
        }

        Assert.Equal(count, succeeded);
        Assert.True(held < 50L * 1024 * 1024, $"holding {count} tasks took {held / 1024 / 1024} MiB");
    }
}
