namespace HiApi.Client.Tests;

/// <summary>401, 402, 429 and bad input, against the emulator.</summary>
public sealed class ErrorFlowTests
{
    [Fact]
    public async Task AWrongKey_Is401_AndNotRetried()
    {
        await using var harness = await EmulatorHarness.StartAsync();
        var client = harness.Client("sk-test-not-a-real-key");

        var exception = await Assert.ThrowsAsync<HiApiException>(() => client.CreateTaskAsync(new VideoRequest { Prompt = "p" }));

        Assert.Equal(HiApiErrorKind.Unauthorized, exception.Kind);
        Assert.Equal(401, exception.StatusCode);
        Assert.Equal("permission_denied", exception.ErrorCode);
        Assert.False(exception.TaskMayHaveBeenCreated);
        Assert.DoesNotContain("sk-test-not-a-real-key", exception.ToString());
        Assert.Single(await harness.RecordedAsync(_ => true, 1));
        Assert.Empty(harness.Server.Tasks);
    }

    [Fact]
    public async Task AKeyGatedToTextToVideo_CannotUseImageToVideo()
    {
        await using var harness = await EmulatorHarness.StartAsync();
        var client = harness.Client(EmulatorHarness.TextOnlyKey);

        var text = await client.CreateTaskAsync(new VideoRequest { Prompt = "allowed" });
        var exception = await Assert.ThrowsAsync<HiApiException>(() => client.CreateTaskAsync(new VideoRequest
        {
            Model = HiApiModels.ImageToVideo,
            ImageUrl = "https://example.com/a.jpg",
        }));

        Assert.StartsWith("tk-", text.TaskId);
        Assert.Equal(HiApiErrorKind.Unauthorized, exception.Kind);
        Assert.Equal("permission_denied", exception.ErrorCode);
        Assert.Contains("This API key cannot use the selected model", exception.Message);
        Assert.Single(harness.Server.Tasks);
    }

    [Fact]
    public async Task ALowBalance_Is402_WithNothingCreated()
    {
        await using var harness = await EmulatorHarness.StartAsync();
        var client = harness.Client(EmulatorHarness.LowBalanceKey);

        var exception = await Assert.ThrowsAsync<HiApiException>(() => client.CreateTaskAsync(new VideoRequest { Prompt = "long", Duration = 15 }));

        Assert.Equal(HiApiErrorKind.InsufficientBalance, exception.Kind);
        Assert.Equal(402, exception.StatusCode);
        Assert.Equal("INSUFFICIENT_BALANCE", exception.ErrorCode);
        Assert.Contains("insufficient balance", exception.Message);
        Assert.False(exception.TaskMayHaveBeenCreated);
        Assert.Single(await harness.RecordedAsync("create", 1));
        Assert.Empty(harness.Server.Tasks);
    }

    [Fact]
    public async Task RateLimits_AreRetriedHonouringRetryAfter_ForGetsAndForCreate()
    {
        // A window far longer than three quick creates take (5 s, even with a cold JIT on a busy machine), so the third is
        // refused; its retries, one a second up to eight, outlast the window.
        await using var harness = await EmulatorHarness.StartAsync(o => (o.RateLimitRequests, o.RateLimitWindowMs, o.RetryAfterSeconds) = (2, 5000, 1));
        var client = harness.Client();
        var retries = new List<RetryingEventArgs>();
        client.Retrying += (_, e) => retries.Add(e);

        var first = await client.CreateTaskAsync(new VideoRequest { Prompt = "one" });
        var second = await client.CreateTaskAsync(new VideoRequest { Prompt = "two" });
        var third = await client.CreateTaskAsync(new VideoRequest { Prompt = "three" });
        var read = await client.GetTaskAsync(first.TaskId);

        Assert.Equal(3, new[] { first.TaskId, second.TaskId, third.TaskId }.Distinct().Count());
        Assert.Equal(first.TaskId, read.TaskId);
        Assert.Equal(3, harness.Server.Tasks.Count);
        Assert.NotEmpty(await harness.RecordedAsync(r => r.StatusCode == 429 && r.Kind == "create", 1));
        Assert.Contains(retries, r => r.Method == "POST" && r.Delay >= TimeSpan.FromSeconds(1) && r.Reason.StartsWith("429"));
    }

    [Fact]
    public async Task BadInput_SendsZeroRequests()
    {
        await using var harness = await EmulatorHarness.StartAsync();
        var client = harness.Client();

        var exception = await Assert.ThrowsAsync<HiApiException>(() => client.CreateTaskAsync(new VideoRequest
        {
            Model = HiApiModels.ImageToVideo,
            AspectRatio = "16:9",
            Resolution = "4k",
            Duration = 30,
        }));

        Assert.Equal(
            "invalid input: image_urls: missing required field \"image_urls\"; resolution: value must be one of '720p', '1080p'; duration: maximum: got 30, want 15; additional properties 'aspect_ratio' not allowed",
            exception.Message);
        Assert.Equal(4, exception.FieldErrors.Count);
        Assert.Empty(harness.Server.Requests);
        Assert.Equal(0, client.RequestCount);
    }

    [Fact]
    public async Task ACreateWhoseAnswerIsLost_IsNotRetried_AndSaysATaskMayExist()
    {
        await using var harness = await EmulatorHarness.StartAsync(o => o.Faults = new() { FaultCreate = true, ServerErrorRate = 1 });
        var client = harness.Client();

        var exception = await Assert.ThrowsAsync<HiApiException>(() => client.CreateTaskAsync(new VideoRequest { Prompt = "paid" }));

        Assert.True(exception.TaskMayHaveBeenCreated);
        Assert.Equal(HiApiErrorKind.ServerError, exception.Kind);
        Assert.Contains("may have been created", exception.Message);
        Assert.Single(await harness.RecordedAsync("create", 1));
        Assert.Single(harness.Server.Tasks); // it was created indeed: a retry would have paid twice
    }

    [Fact]
    public async Task ACreateWhoseConnectionDrops_IsNotRetried_AndSaysATaskMayExist()
    {
        await using var harness = await EmulatorHarness.StartAsync(o => o.Faults = new() { FaultCreate = true, DropConnectionRate = 1 });
        var client = harness.Client();

        var exception = await Assert.ThrowsAsync<HiApiException>(() => client.CreateTaskAsync(new VideoRequest { Prompt = "paid" }));

        Assert.True(exception.TaskMayHaveBeenCreated);
        Assert.Equal(HiApiErrorKind.Network, exception.Kind);
        Assert.Single(await harness.RecordedAsync("create", 1));
        Assert.Single(harness.Server.Tasks);
    }

    [Fact]
    public async Task ACreateAgainstAClosedPort_IsRetried_ThenReportedAsNothingCreated()
    {
        var harness = await EmulatorHarness.StartAsync();
        var client = harness.Client(retryPolicy: new RetryPolicy { MaxRetries = 2, BaseDelay = TimeSpan.FromMilliseconds(5), MaxDelay = TimeSpan.FromMilliseconds(20) });
        await harness.DisposeAsync(); // the port is now closed: connection refused

        var exception = await Assert.ThrowsAsync<HiApiException>(() => client.CreateTaskAsync(new VideoRequest { Prompt = "p" }));

        Assert.Equal(HiApiErrorKind.Network, exception.Kind);
        Assert.False(exception.TaskMayHaveBeenCreated);
        Assert.Equal(3, client.RequestCount);
        Assert.Contains("Gave up after 2 retries", exception.Message);
    }
}
