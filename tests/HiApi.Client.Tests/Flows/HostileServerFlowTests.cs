using System.Diagnostics;
using System.Net.Http.Json;
using HiApi.Emulator;

namespace HiApi.Client.Tests;

/// <summary>
/// The client against the emulator's hostile modes, end to end: an API that never answers, answers of gigabytes, an
/// error page that echoes the key, a storage host that serves HTML, ignores Range or redirects to another scheme, and
/// poisoned tasks. Each is what an adversarial review found broken; each must now cost bounded time, bounded memory,
/// no secret, and nothing saved that is not a whole video.
/// </summary>
[Collection(NonParallelCollection.Name)]
public sealed class HostileServerFlowTests
{
    [Fact]
    public async Task An_api_that_never_answers_fails_a_read_within_the_retry_budget()
    {
        await using var harness = await EmulatorHarness.StartAsync(options => options.HangRate = 1);
        var client = Client(harness, requestTimeout: TimeSpan.FromMilliseconds(500), budget: TimeSpan.FromSeconds(2));

        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<HiApiException>(() => client.GetTaskAsync("tk-hiapi-never"));

        Assert.Equal(HiApiErrorKind.Network, error.Kind);
        Assert.InRange(watch.Elapsed.TotalSeconds, 0.4, 5);
    }

    [Fact]
    public async Task A_wait_on_an_api_that_stops_answering_ends_at_its_timeout_requests_in_flight_included()
    {
        await using var harness = await EmulatorHarness.StartAsync();
        var client = Client(harness, requestTimeout: TimeSpan.FromSeconds(30), budget: TimeSpan.FromSeconds(60));
        var task = await client.CreateTaskAsync(new VideoRequest { Prompt = "then silence", Duration = 3 });
        harness.Server.Options.HangRate = 1;

        var watch = Stopwatch.StartNew();
        var events = await EmulatorHarness.WaitAllAsync(client, [task], EmulatorHarness.QuickWait(TimeSpan.FromSeconds(2)));

        Assert.Equal(WaitEventKind.TimedOut, Assert.Single(events).Kind);
        Assert.InRange(watch.Elapsed.TotalSeconds, 1.5, 6);
    }

    [Fact]
    public async Task A_gigabyte_answer_to_a_read_is_refused_without_reading_it()
    {
        await using var harness = await EmulatorHarness.StartAsync();
        var client = harness.Client();
        var task = await client.CreateTaskAsync(new VideoRequest { Prompt = "huge answer", Duration = 3 });
        harness.Server.Options.HugeBodyBytes = 1L << 30;

        var before = GC.GetTotalAllocatedBytes(precise: false);
        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<HiApiException>(() => client.GetTaskAsync(task.TaskId));
        var allocated = GC.GetTotalAllocatedBytes(precise: false) - before;

        Assert.Equal(HiApiErrorKind.InvalidResponse, error.Kind);
        Assert.Contains("larger than", error.Message);
        Assert.True(allocated < 64L * 1024 * 1024, $"allocated {allocated / (1024 * 1024)} MiB for one refused answer");
        Assert.InRange(watch.Elapsed.TotalSeconds, 0, 10);
    }

    [Fact]
    public async Task An_error_page_that_echoes_the_key_across_the_excerpt_cut_shows_no_run_of_it()
    {
        await using var harness = await EmulatorHarness.StartAsync(options =>
        {
            options.EchoAuthorizationInErrorPages = true;
            options.EchoAuthorizationAtOffset = 190;
            options.Faults = new FaultOptions { ServerErrorRate = 1 };
        });
        var client = Client(harness, retryPolicy: RetryPolicy.None);

        var errors = new List<HiApiException>();
        for (var i = 0; i < 3; i++)
        {
            errors.Add(await Assert.ThrowsAsync<HiApiException>(() => client.GetTaskAsync("tk-hiapi-echo")));
        }

        foreach (var text in errors.SelectMany(e => new[] { e.Message, e.ToString() }).Concat(harness.LogLines))
        {
            for (var i = 0; i + SecretRedactor.MinimumLeakRun <= EmulatorHarness.Key.Length; i++)
            {
                Assert.DoesNotContain(EmulatorHarness.Key.Substring(i, SecretRedactor.MinimumLeakRun), text);
            }
        }
    }

    [Fact]
    public async Task A_storage_host_that_serves_an_html_page_gets_nothing_saved_and_nothing_recorded()
    {
        await using var harness = await EmulatorHarness.StartAsync();
        var ledgerPath = Path.Combine(harness.Directory, "ledger.jsonl");
        var session = new HiApiSession(harness.Client(), new TaskLedger(ledgerPath));
        var task = await session.SubmitAsync(new VideoRequest { Prompt = "captive portal", Duration = 3 });
        var done = (await EmulatorHarness.WaitAllAsync(session.Client, [task])).Single().Task;
        harness.Server.Options.StorageServesHtml = true;

        var target = Path.Combine(harness.Directory, "clips", $"{task.TaskId}.mp4");
        var error = await Assert.ThrowsAsync<HiApiException>(() => session.SaveAsync(done, target, harness.Download()));

        Assert.Equal(HiApiErrorKind.InvalidVideo, error.Kind);
        Assert.False(File.Exists(target));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(target)!));
        Assert.False(new TaskLedger(ledgerPath).Find(task.TaskId)!.IsSaved);
    }

    [Fact]
    public async Task A_body_cut_short_without_a_length_is_resumed_until_whole_and_never_saved_short()
    {
        await using var harness = await EmulatorHarness.StartAsync(options => options.VideoSizeBytes = 600_000);
        var client = harness.Client();
        var task = await client.CreateTaskAsync(new VideoRequest { Prompt = "cut and chunked", Duration = 3 });
        var done = (await EmulatorHarness.WaitAllAsync(client, [task])).Single().Task;
        harness.Server.Options.StorageOmitContentLength = true;
        harness.Server.Options.TruncateEveryDownloadAtBytes = 250_000;

        var target = Path.Combine(harness.Directory, $"{task.TaskId}.mp4");
        var saved = await new VideoDownloader().DownloadAsync(done, target, harness.Download());

        Assert.Equal(600_000, saved.Length);
        Assert.Equal(Mp4Verdict.Whole, Mp4Structure.Check(target).Verdict);
        Assert.True(harness.RequestsOfKind("download").Count >= 3, "the cut body was resumed with Range");
    }

    [Fact]
    public async Task A_storage_host_that_ignores_range_and_cuts_every_body_is_tried_a_bounded_number_of_times()
    {
        await using var harness = await EmulatorHarness.StartAsync(options => options.VideoSizeBytes = 400_000);
        var client = harness.Client();
        var task = await client.CreateTaskAsync(new VideoRequest { Prompt = "never whole", Duration = 3 });
        var done = (await EmulatorHarness.WaitAllAsync(client, [task])).Single().Task;
        harness.Server.Options.StorageIgnoresRange = true;
        harness.Server.Options.TruncateEveryDownloadAtBytes = 100_000;
        harness.Server.ClearRequests();

        var target = Path.Combine(harness.Directory, $"{task.TaskId}.mp4");
        var options = new DownloadOptions { RetryPolicy = new RetryPolicy { MaxRetries = 5, BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(100) } };
        await Assert.ThrowsAsync<HiApiException>(() => new VideoDownloader().DownloadAsync(done, target, options));

        Assert.Equal(6, harness.RequestsOfKind("download").Count);
        Assert.False(File.Exists(target));
    }

    [Theory]
    [InlineData("ftp://127.0.0.1/video.mp4", "ftp")]
    [InlineData("file:///etc/passwd", "file")]
    public async Task A_redirect_to_another_scheme_is_refused_without_following_it(string location, string scheme)
    {
        await using var harness = await EmulatorHarness.StartAsync();
        var client = harness.Client();
        var task = await client.CreateTaskAsync(new VideoRequest { Prompt = "redirected", Duration = 3 });
        var done = (await EmulatorHarness.WaitAllAsync(client, [task])).Single().Task;
        harness.Server.Options.StorageRedirectTo = location;

        var target = Path.Combine(harness.Directory, $"{task.TaskId}.mp4");
        var error = await Assert.ThrowsAsync<HiApiException>(() => new VideoDownloader().DownloadAsync(done, target, harness.Download()));

        Assert.Equal(HiApiErrorKind.InvalidResponse, error.Kind);
        Assert.Contains($"({scheme})", error.Message);
        Assert.False(File.Exists(target));
    }

    [Fact]
    public async Task A_poisoned_task_ends_its_own_wait_and_the_others_go_on()
    {
        await using var harness = await EmulatorHarness.StartAsync();
        var client = harness.Client();
        await Plant(harness, new { taskId = "tk-hiapi-BLANKSTATUS", status = "" });
        await Plant(harness, new { taskId = new string('x', 2000), status = "success", output = new[] { new { type = "video", url = "ftp://nowhere/x.mp4", expireAt = 1999999999 } } });
        var good = await client.CreateTaskAsync(new VideoRequest { Prompt = "healthy neighbour", Duration = 3 });

        var events = await EmulatorHarness.WaitAllAsync(
            client, [HiApiTask.FromId("tk-hiapi-BLANKSTATUS"), HiApiTask.FromId(new string('x', 2000)), good], EmulatorHarness.QuickWait(TimeSpan.FromSeconds(2)));

        Assert.Equal(WaitEventKind.Succeeded, events.Single(e => e.Task.TaskId == good.TaskId).Kind);
        Assert.Equal(WaitEventKind.TimedOut, events.Single(e => e.Task.TaskId == "tk-hiapi-BLANKSTATUS").Kind);
        Assert.Equal(3, events.Count);
    }

    private static HiApiClient Client(EmulatorHarness harness, TimeSpan? requestTimeout = null, TimeSpan? budget = null, RetryPolicy? retryPolicy = null) => new(new HiApiClientOptions
    {
        BaseUri = BaseUriResolver.Resolve(harness.Server.BaseAddress.ToString(), _ => null),
        ApiKey = ApiKey.Resolve(EmulatorHarness.Key, _ => null),
        RetryPolicy = retryPolicy ?? EmulatorHarness.FastRetries,
        RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(20),
        RetryBudget = budget ?? TimeSpan.FromSeconds(30),
        Log = harness.LogLines.Enqueue,
    });

    private static async Task Plant(EmulatorHarness harness, object task)
    {
        using var http = new HttpClient { BaseAddress = harness.Server.BaseAddress };
        using var response = await http.PostAsJsonAsync("_emulator/tasks", task);
        response.EnsureSuccessStatusCode();
    }
}
