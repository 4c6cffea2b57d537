using HiApi.Client;
using HiApi.Emulator;
using HiApi.FaultInjection.Tests.Support;
using Xunit.Abstractions;

namespace HiApi.FaultInjection.Tests.Create;

/// <summary>
/// A create whose answer is lost may have made (and charged) a task nobody knows the id of. Without an idempotency
/// key the client must say so, and must never send the POST a second time, neither by its own retry nor through the
/// HTTP stack's transparent re-send on a dropped pooled connection. With a key (what the session always sends) it may
/// send it again: the API answers with the task it already created, so the outcome is settled without paying twice.
/// </summary>
[Collection(FaultSuiteCollection.Name)]
public sealed class CreateAmbiguityTests(ITestOutputHelper output)
{
    private const string MayExistText = "a task may have been created";

    [Fact]
    public async Task Without_a_key_a_5xx_after_creation_says_a_task_may_exist_and_sends_the_post_once()
    {
        await using var emu = await EmulatorServer.StartAsync(QuickTasks(new FaultOptions { FaultCreate = true, ServerErrorRate = 1 }));
        var client = EmulatorClients.Create(emu);

        // The emulator answers 500 JSON, then 502 HTML: each shape once. (A 503 proves the create was not taken.)
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            var error = await Assert.ThrowsAsync<HiApiException>(
                () => client.CreateTaskAsync(new VideoRequest { Prompt = $"five-hundred {attempt}", Duration = 3 }));

            Assert.True(error.TaskMayHaveBeenCreated);
            Assert.Equal(HiApiErrorKind.ServerError, error.Kind);
            Assert.Contains(MayExistText, error.Message);
            Assert.Equal(attempt, emu.Tasks.Count);
            await AssertPostsRecordedAsync(emu, attempt);
        }

        Assert.Equal([500, 502], emu.Requests.Where(r => r.Kind == "create").Select(r => r.StatusCode));
        Assert.Equal(2, client.RequestCount);
        Assert.Equal(0, client.RetryCount);
    }

    [Fact]
    public async Task With_a_key_every_5xx_after_creation_is_retried_and_settles_to_the_one_task_created()
    {
        await using var emu = await EmulatorServer.StartAsync(QuickTasks(new FaultOptions { FaultCreate = true, ServerErrorRate = 1 }));
        using var scratch = new ScratchFolder("ambiguity-keyed");
        var client = EmulatorClients.Create(emu, new RetryPolicy { MaxRetries = 4, BaseDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(100) });
        var session = new HiApiSession(client, new TaskLedger(scratch.LedgerPath));

        var error = await Assert.ThrowsAsync<HiApiException>(
            () => session.SubmitAsync(new VideoRequest { Prompt = "every answer lost", Duration = 3 }));

        // Five POSTs, one key, one task: every retry after the first was answered (and lost) as a replay.
        Assert.True(error.TaskMayHaveBeenCreated);
        // The client says what happened and where it stays; how to re-send it is the cmdlet's recommendation.
        Assert.Contains("It stays unresolved in the task ledger", error.Message);
        await AssertPostsRecordedAsync(emu, 5);
        var keys = emu.Requests.Where(r => r.Kind == "create").Select(r => r.IdempotencyKey).Distinct().ToList();
        Assert.NotNull(Assert.Single(keys));
        Assert.Single(emu.Tasks);
        var unresolved = Assert.Single(session.Ledger!.GetUnresolvedSubmissions());
        Assert.Equal(keys[0], unresolved.IdempotencyKey);

        // The outage ends: settling the submission finds the task HiAPI created, and creates nothing new.
        emu.Options.Faults = new FaultOptions();
        var settled = await session.SettleAsync(unresolved);
        Assert.Equal(emu.Tasks.Single().TaskId, settled.TaskId);
        Assert.Single(emu.Tasks);
        Assert.Empty(session.Ledger.GetUnresolvedSubmissions());
        Assert.Contains(session.Ledger.GetPending(), entry => entry.TaskId == settled.TaskId);
    }

    [Fact]
    public async Task A_connection_dropped_after_creation_says_a_task_may_exist_and_sends_the_post_once()
    {
        await using var emu = await EmulatorServer.StartAsync(QuickTasks(new FaultOptions { FaultCreate = true, DropConnectionRate = 1 }));
        var client = EmulatorClients.Create(emu);

        var error = await Assert.ThrowsAsync<HiApiException>(
            () => client.CreateTaskAsync(new VideoRequest { Prompt = "dropped on a fresh connection", Duration = 3 }));

        Assert.True(error.TaskMayHaveBeenCreated);
        Assert.Equal(HiApiErrorKind.Network, error.Kind);
        Assert.Contains(MayExistText, error.Message);
        Assert.Single(emu.Tasks);
        await AssertPostsRecordedAsync(emu, 1);
        Assert.Equal(1, client.RequestCount);
    }

    [Fact]
    public async Task A_create_on_a_warm_pooled_connection_that_closes_without_an_answer_is_not_sent_again()
    {
        await using var emu = await EmulatorServer.StartAsync(QuickTasks(new FaultOptions()));
        await using var proxy = GracefulCloseProxy.Start(emu.BaseAddress);
        var client = EmulatorClients.Create(proxy.BaseAddress);

        // Warm the pooled connection: a complete answer (a 404) leaves it idle in the pool for the POST.
        var notFound = await Assert.ThrowsAsync<HiApiException>(() => client.GetTaskAsync("tk-hiapi-00000000000000000000000000"));
        Assert.Equal(HiApiErrorKind.NotFound, notFound.Kind);
        Assert.Equal(1, proxy.Connections);

        emu.Options.Faults = new FaultOptions { FaultCreate = true, DropConnectionRate = 1 };
        var error = await Assert.ThrowsAsync<HiApiException>(
            () => client.CreateTaskAsync(new VideoRequest { Prompt = "dropped on a reused connection", Duration = 3 }));

        Assert.True(error.TaskMayHaveBeenCreated);
        Assert.Equal(HiApiErrorKind.Network, error.Kind);
        Assert.Contains(MayExistText, error.Message);
        Assert.Equal(1, proxy.Connections); // the POST went over the warm connection and no second one was opened
        Assert.Single(emu.Tasks);
        await AssertPostsRecordedAsync(emu, 1);
        Assert.Equal(2, client.RequestCount);
    }

    /// <summary>
    /// The guard above could only fail if a re-send were observable: the same silent close makes the HTTP stack
    /// send a body-less GET again on its own (harmless for a read), which the emulator sees as extra requests.
    /// </summary>
    [Fact]
    public async Task The_same_silent_close_makes_the_http_stack_resend_a_get_so_the_guard_would_see_a_resent_post()
    {
        await using var emu = await EmulatorServer.StartAsync(QuickTasks(new FaultOptions()));
        await using var proxy = GracefulCloseProxy.Start(emu.BaseAddress);
        var client = EmulatorClients.Create(proxy.BaseAddress, RetryPolicy.None);
        var task = await client.CreateTaskAsync(new VideoRequest { Prompt = "read me", Duration = 3 });

        emu.Options.Faults = new FaultOptions { DropConnectionRate = 1 };
        var error = await Assert.ThrowsAsync<HiApiException>(() => client.GetTaskAsync(task.TaskId));

        Assert.Equal(HiApiErrorKind.Network, error.Kind);
        Assert.Equal(2, client.RequestCount); // one create, one GET: the client itself did not retry
        await Eventually.TrueAsync(() => emu.Faults.DroppedConnections >= 2, "the emulator dropped the GET more than once");
        var getsSeen = emu.Requests.Count(r => r.Kind == "get");
        output.WriteLine($"one client GET reached the emulator {getsSeen} times over {proxy.Connections} connections");
        Assert.True(getsSeen > 1, "the HTTP stack re-sent the GET by itself");
        Assert.True(proxy.Connections > 1);
    }

    private static EmulatorOptions QuickTasks(FaultOptions faults) => new()
    {
        QueuedMs = 50,
        HandlingMs = 100,
        ArchivingMs = 50,
        Faults = faults,
    };

    /// <summary>Wait until the expected POSTs are in the emulator's log, then make sure there is not one more.</summary>
    private static async Task AssertPostsRecordedAsync(EmulatorServer emu, int expected)
    {
        await Eventually.TrueAsync(() => emu.Requests.Count(r => r.Kind == "create") >= expected, $"{expected} POSTs were recorded");
        Assert.Equal(expected, emu.Requests.Count(r => r.Kind == "create"));
    }
}
