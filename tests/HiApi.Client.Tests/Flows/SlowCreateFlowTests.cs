namespace HiApi.Client.Tests;

/// <summary>
/// Issue 15, case 3: the first create takes longer than the client waits, every retry meets 409 PROCESSING, and the API
/// then creates the task. The submission must stay unknown (never "rejected"), and the same batch run again must hand
/// back the task HiAPI made, not pay for a second one.
/// </summary>
public sealed class SlowCreateFlowTests : IAsyncLifetime
{
    private EmulatorHarness _emulator = null!;

    public async Task InitializeAsync() => _emulator = await EmulatorHarness.StartAsync(options =>
    {
        options.CreateProcessingMs = 10_000;
        options.CreateSurvivesDisconnect = true;
    });

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    private HiApiClient ImpatientClient() => new(new HiApiClientOptions
    {
        BaseUri = BaseUriResolver.Resolve(_emulator.Server.BaseAddress.ToString(), _ => null),
        ApiKey = ApiKey.Resolve(EmulatorHarness.Key, _ => null),
        RequestTimeout = TimeSpan.FromMilliseconds(500),
        RetryPolicy = new RetryPolicy { MaxRetries = 5, BaseDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(50) },
    });

    [Fact]
    public async Task A_create_slower_than_the_client_then_409_to_every_retry_stays_unknown_and_is_settled_once()
    {
        var ledgerPath = Path.Combine(_emulator.Directory, "ledger.jsonl");
        var request = new VideoRequest { Prompt = "a slow first create", Duration = 3 };
        var session = new HiApiSession(ImpatientClient(), new TaskLedger(ledgerPath));
        var run = BatchRun.Start(session, "slow");
        var input = run.Plan(request, userKey: null);

        var error = await Assert.ThrowsAsync<HiApiException>(() => session.SendAsync(input.Submission, run.Claim(input)));

        Assert.True(error.TaskMayHaveBeenCreated);
        var conflicts = _emulator.Server.Requests.Count(r => r.Kind == "create" && r.StatusCode == 409);
        Assert.True(conflicts >= 1, $"retries met 409 PROCESSING ({conflicts})");
        Assert.Single(session.GetUnresolvedSubmissions());
        Assert.Null(session.Ledger!.FindSubmission(input.Submission.IdempotencyKey)!.ErrorCode);

        await Eventually.TrueAsync(() => _emulator.Server.Tasks.Count == 1, "HiAPI finished the create the client gave up on", TimeSpan.FromSeconds(30));
        _emulator.Server.Options.CreateProcessingMs = 0;
        var again = BatchRun.Start(session, "slow");
        var retried = again.Plan(request, userKey: null);
        Assert.Equal(SubmissionClaimKind.Unresolved, retried.Known!.Kind);
        var task = await session.SendAsync(retried.Submission, again.Claim(retried));

        Assert.Equal(_emulator.Server.Tasks.Single().TaskId, task.TaskId);
        Assert.Single(_emulator.Server.Tasks);
        Assert.Empty(session.GetUnresolvedSubmissions());
    }
}
