using System.Diagnostics;
using System.Net;
using HiApi.Emulator.Tests.Support;

namespace HiApi.Emulator.Tests.Hostile;

/// <summary><c>HangRate</c>: an API request is never answered, until the client gives up or the emulator stops.</summary>
public sealed class HangTests : EmulatorTestBase
{
    private const string Body = """{"model":"happyhorse-1.1/text-to-video","input":{"prompt":"a calm ocean wave","duration":3}}""";

    private async Task<RecordedRequest> UnansweredEntryAsync(string kind)
    {
        await Poll.UntilAsync(() => Server.Requests.Any(r => r.Kind == kind), $"the hung {kind} to end");
        return Server.Requests.Single(r => r.Kind == kind);
    }

    /// <summary>
    /// Sends with a client that gives up only when told, once the emulator has counted the request as hung: a short
    /// client timeout raced a busy machine, where the request could time out before it reached the emulator.
    /// </summary>
    private async Task GiveUpOnceHungAsync(Func<EmulatorClient, CancellationToken, Task<ApiResponse>> send, TimeSpan? unansweredFor = null)
    {
        using var patient = new EmulatorClient(Server, timeout: TimeSpan.FromMinutes(2));
        using var giveUp = new CancellationTokenSource();
        var request = send(patient, giveUp.Token);
        await Poll.UntilAsync(() => Server.Faults.HungRequests == 1, "the request to hang");
        if (unansweredFor is { } span)
        {
            await Task.Delay(span);
            Assert.False(request.IsCompleted, $"the hung request was answered within {span.TotalMilliseconds:0} ms");
        }

        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
    }

    [Theory]
    [InlineData("v1/tasks/tk-hiapi-01KW23VDG2EZ20J7RQH8S67MNC", "get")]
    [InlineData("v1/tasks?page=1&size=20", "list")]
    public async Task A_hung_read_is_never_answered_and_ends_when_the_client_gives_up(string path, string kind)
    {
        Server.Options.HangRate = 1;

        await GiveUpOnceHungAsync((client, ct) => client.SendAsync(HttpMethod.Get, path, TestKeys.AllModels, null, cancellation: ct),
            unansweredFor: TimeSpan.FromMilliseconds(800));

        Assert.Equal(0, (await UnansweredEntryAsync(kind)).StatusCode);
        Assert.Equal(1, Server.Faults.HungRequests);
    }

    [Fact]
    public async Task A_hung_create_makes_no_task()
    {
        Server.Options.HangRate = 1;

        await GiveUpOnceHungAsync((client, ct) => client.CreateAsync(Body, idempotencyKey: "hung", cancellation: ct));
        Assert.Equal(0, (await UnansweredEntryAsync("create")).StatusCode);
        Server.Options.HangRate = 0;
        var retried = await Client.CreateAsync(Body, idempotencyKey: "hung");

        Assert.Equal(HttpStatusCode.OK, retried.Status);
        Assert.False(retried.IsIdempotentReplay);
        Assert.Single(Server.Tasks);
    }

    [Fact]
    public async Task With_FaultCreate_the_hang_comes_after_the_task_was_made_so_a_retry_with_the_key_replays_it()
    {
        Server.Options.HangRate = 1;
        Server.Options.Faults = new FaultOptions { FaultCreate = true };

        await GiveUpOnceHungAsync((client, ct) => client.CreateAsync(Body, idempotencyKey: "timed-out", cancellation: ct));
        Server.Options.HangRate = 0;
        var retried = await Client.CreateAsync(Body, idempotencyKey: "timed-out");

        Assert.True(retried.IsIdempotentReplay);
        Assert.Equal(Assert.Single(Server.Tasks).TaskId, retried.TaskId);
    }

    [Fact]
    public async Task A_hundred_hung_requests_hold_no_threads()
    {
        Server.Options.HangRate = 1;
        using var patient = new EmulatorClient(Server, timeout: TimeSpan.FromMinutes(2));
        using var stop = new CancellationTokenSource();
        var hung = Enumerable.Range(0, 100)
            .Select(_ => patient.Http.GetAsync("v1/tasks/tk-hiapi-01KW23VDG2EZ20J7RQH8S67MNC", stop.Token))
            .ToList();
        await Poll.UntilAsync(() => Server.Faults.HungRequests == 100, "a hundred hung requests");
        Server.Options.HangRate = 0;

        // Blocked threads would starve the pool on two cores; awaiting requests leave it free to answer at once.
        var watch = Stopwatch.StartNew();
        var answered = await Client.GetTaskAsync("tk-hiapi-01KW23VDG2EZ20J7RQH8S67MNC");
        var took = watch.Elapsed;
        await stop.CancelAsync();
        await Task.WhenAll(hung.Select(request => request.ContinueWith(_ => { }, TaskScheduler.Default)));

        Assert.Equal(HttpStatusCode.NotFound, answered.Status);
        // A starved pool would take tens of seconds; a busy machine, a second or two.
        Assert.True(took < TimeSpan.FromSeconds(10), $"took {took.TotalMilliseconds:0} ms");
        Assert.All(hung, request => Assert.False(request.IsCompletedSuccessfully));
    }

    [Fact]
    public async Task Stopping_the_emulator_ends_hung_requests_without_an_answer()
    {
        Server.Options.HangRate = 1;
        using var patient = new EmulatorClient(Server, timeout: TimeSpan.FromMinutes(2));
        var hung = patient.GetTaskAsync("tk-hiapi-01KW23VDG2EZ20J7RQH8S67MNC");
        await Poll.UntilAsync(() => Server.Faults.HungRequests == 1, "the request to hang");

        var watch = Stopwatch.StartNew();
        await Server.StopAsync();
        var stopTook = watch.Elapsed;

        await Assert.ThrowsAsync<HttpRequestException>(() => hung);
        // Kestrel would wait up to its 30 s shutdown timeout for a request that ignored the stop.
        Assert.True(stopTook < TimeSpan.FromSeconds(10), $"stop took {stopTook.TotalMilliseconds:0} ms");
    }
}
