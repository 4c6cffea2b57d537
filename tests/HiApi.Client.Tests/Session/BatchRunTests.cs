using HiApi.Emulator;

namespace HiApi.Client.Tests;

/// <summary>
/// A batch's inputs have their identity before money moves: running the same batch again, or two runs of it at once,
/// pays for each input once; -Resume continues exactly one earlier batch or sends nothing (issue 15).
/// </summary>
public sealed class BatchRunTests : IAsyncLifetime
{
    private EmulatorHarness _emulator = null!;
    private string _ledgerPath = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorHarness.StartAsync();
        _ledgerPath = Path.Combine(_emulator.Directory, "ledger.jsonl");
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    private static VideoRequest Shot(int n) => new() { Prompt = $"shot {n}", Duration = 3 };

    private HiApiSession NewSession(bool ledger = true) => new(_emulator.Client(), ledger ? new TaskLedger(_ledgerPath) : null);

    /// <summary>What New-HiApiVideoTask does with each input: plan, claim (write-ahead), send; then mark the run finished.</summary>
    private static async Task<List<HiApiTask>> RunAsync(BatchRun run, HiApiSession session, IEnumerable<VideoRequest> inputs, int? stopAfter = null, bool retryFailed = false)
    {
        var tasks = new List<HiApiTask>();
        foreach (var request in inputs)
        {
            if (tasks.Count == stopAfter)
            {
                return tasks; // cut off: never finished
            }

            var input = run.Plan(request, userKey: null, retryFailed: retryFailed);
            var claim = run.Claim(input);
            tasks.Add(await session.SendAsync(input.Submission, claim));
        }

        run.Finish();
        return tasks;
    }

    [Fact]
    public async Task The_same_batch_run_again_sends_nothing_and_hands_back_the_same_tasks()
    {
        var inputs = new[] { Shot(1), Shot(2), Shot(2), Shot(3) }; // a shot asked for twice is two tasks
        var first = await RunAsync(BatchRun.Start(NewSession(), "storyboard"), NewSession(), inputs);
        var creates = _emulator.RequestsOfKind("create").Count;

        var session = NewSession();
        var again = await RunAsync(BatchRun.Start(session, "storyboard"), session, inputs);

        Assert.Equal(4, _emulator.Server.Tasks.Count);
        Assert.Equal(4, first.Select(task => task.TaskId).Distinct().Count());
        Assert.Equal(first.Select(task => task.TaskId), again.Select(task => task.TaskId));
        Assert.Equal(creates, _emulator.RequestsOfKind("create").Count);
        Assert.Equal(new int?[] { 1, 2, 3, 4 }, again.Select(task => task.InputNumber));
        Assert.All(again, task => Assert.Equal("storyboard", task.Batch));
    }

    [Fact]
    public async Task Reordered_inputs_keep_their_keys()
    {
        var session = NewSession();
        var first = await RunAsync(BatchRun.Start(session, "reorder"), session, [Shot(1), Shot(2), Shot(3)]);
        var reversed = await RunAsync(BatchRun.Start(session, "reorder"), session, [Shot(3), Shot(2), Shot(1)]);

        Assert.Equal(3, _emulator.Server.Tasks.Count);
        Assert.Equal(first.Select(task => task.TaskId).Reverse(), reversed.Select(task => task.TaskId));
    }

    [Fact]
    public async Task Another_batch_name_is_a_new_take()
    {
        var session = NewSession();
        await RunAsync(BatchRun.Start(session, "take 1"), session, [Shot(1)]);
        await RunAsync(BatchRun.Start(session, "take 2"), session, [Shot(1)]);
        await RunAsync(BatchRun.Start(session, null), session, [Shot(1)]);

        Assert.Equal(3, _emulator.Server.Tasks.Count);
    }

    [Fact]
    public async Task Two_runs_of_one_batch_at_once_pay_for_each_input_once()
    {
        var inputs = Enumerable.Range(1, 10).Select(Shot).ToArray();
        var left = NewSession();
        var right = NewSession();

        var both = await Task.WhenAll(
            Task.Run(() => RunAsync(BatchRun.Start(left, "together"), left, inputs)),
            Task.Run(() => RunAsync(BatchRun.Start(right, "together"), right, inputs)));

        Assert.Equal(10, _emulator.Server.Tasks.Count);
        Assert.Equal(both[0].Select(task => task.TaskId), both[1].Select(task => task.TaskId));
    }

    [Fact]
    public async Task Without_a_ledger_the_same_batch_is_replayed_by_hiapi_from_the_same_keys()
    {
        var first = await RunAsync(BatchRun.Start(NewSession(ledger: false), "no ledger"), NewSession(ledger: false), [Shot(1), Shot(2)]);
        var again = await RunAsync(BatchRun.Start(NewSession(ledger: false), "no ledger"), NewSession(ledger: false), [Shot(1), Shot(2)]);

        Assert.Equal(2, _emulator.Server.Tasks.Count);
        Assert.Equal(first.Select(task => task.TaskId), again.Select(task => task.TaskId));
        Assert.Equal(2, _emulator.Server.Requests.Count(request => request.Kind == "create" && request.Replay));
    }

    /// <summary>Runs the batch and waits for its tasks, recording their final status as Wait-HiApiTask does.</summary>
    private static async Task<List<HiApiTask>> RunAndWaitAsync(HiApiSession session, string batch, VideoRequest[] inputs, bool retryFailed = false)
    {
        var tasks = await RunAsync(BatchRun.Start(session, batch), session, inputs, retryFailed: retryFailed);
        await EmulatorHarness.WaitAllAsync(session.Client, tasks);
        foreach (var task in tasks)
        {
            await session.GetAsync(task.TaskId);
        }

        return tasks;
    }

    [Fact]
    public async Task An_input_whose_task_failed_is_handed_back_not_paid_for_again()
    {
        var session = NewSession();
        var failing = new VideoRequest { Prompt = "a storm at sea [[fail]]", Duration = 3 };
        var first = await RunAndWaitAsync(session, "retry", [failing, Shot(1)]);

        var again = await RunAsync(BatchRun.Start(session, "retry"), session, [failing, Shot(1)]);

        Assert.Equal(2, _emulator.Server.Tasks.Count);
        Assert.Equal(first.Select(task => task.TaskId), again.Select(task => task.TaskId));
        Assert.Equal(HiApiTaskStatus.Fail, again[0].Status);
    }

    [Fact]
    public async Task With_retry_failed_an_input_whose_task_failed_is_sent_again_as_its_next_attempt_and_a_later_run_follows_it()
    {
        var session = NewSession();
        var failing = new VideoRequest { Prompt = "a storm at sea [[fail]]", Duration = 3 };
        var first = await RunAndWaitAsync(session, "retry", [failing, Shot(1)]);

        var retried = await RunAndWaitAsync(session, "retry", [failing, Shot(1)], retryFailed: true);
        var third = await RunAsync(BatchRun.Start(session, "retry"), session, [failing, Shot(1)]);

        Assert.Equal(3, _emulator.Server.Tasks.Count);
        Assert.NotEqual(first[0].TaskId, retried[0].TaskId);
        Assert.EndsWith(".1.2", retried[0].IdempotencyKey);
        Assert.Equal(first[1].TaskId, retried[1].TaskId);
        // Without -RetryFailed, the latest attempt is handed back, not the first one, and nothing is sent.
        Assert.Equal(retried.Select(task => task.TaskId), third.Select(task => task.TaskId));
    }

    /// <summary>What -Resume does with a run's inputs: offers them one by one until the batch is known, or all are read.</summary>
    private static BatchRun ChooseResumed(HiApiSession session, IEnumerable<VideoRequest> inputs)
    {
        var choice = ResumeChoice.Begin(session);
        foreach (var request in inputs)
        {
            if (choice.Offer(request, userKey: null) is { } chosen)
            {
                return chosen;
            }
        }

        return choice.Conclude();
    }

    [Fact]
    public async Task Resume_continues_the_latest_unfinished_batch_that_holds_the_inputs_not_a_finished_take()
    {
        var inputs = new[] { Shot(1), Shot(2), Shot(3) };
        var session = NewSession();
        await RunAsync(BatchRun.Start(session, null), session, inputs); // take 1, finished
        await RunAsync(BatchRun.Start(session, null), session, inputs, stopAfter: 1); // take 2, cut after one input
        var takeTwo = session.Ledger!.GetBatches()[1];

        var resumed = ChooseResumed(session, inputs);
        var tasks = await RunAsync(resumed, session, inputs);

        Assert.Equal(takeTwo.Name, resumed.Name);
        Assert.Equal(6, _emulator.Server.Tasks.Count); // take 1's three and take 2's three
        Assert.All(tasks, task => Assert.Equal(takeTwo.Name, task.Batch));
        Assert.True(session.Ledger.GetBatches().Single(batch => batch.Name == takeTwo.Name).IsFinished);
    }

    [Fact]
    public async Task Resume_of_one_of_two_cut_storyboards_that_share_a_first_row_continues_its_own_batch()
    {
        var storyA = new[] { Shot(1), Shot(2), Shot(3), Shot(4) };
        var storyB = new[] { Shot(1), Shot(12), Shot(13), Shot(14) };
        var session = NewSession();
        await RunAsync(BatchRun.Start(session, null), session, storyA, stopAfter: 2); // A cut after two rows
        await RunAsync(BatchRun.Start(session, null), session, storyB, stopAfter: 2); // B, later, cut after two rows
        var batchA = session.Ledger!.GetBatches()[0];

        var resumed = ChooseResumed(session, storyA);
        var tasks = await RunAsync(resumed, session, storyA);

        Assert.Equal(batchA.Name, resumed.Name);
        Assert.Contains("2 of the 2 inputs read", resumed.ResumedBecause);
        Assert.Equal(6, _emulator.Server.Tasks.Count); // 2 + 2 before, then A's rows 3 and 4: nothing paid twice
        Assert.All(tasks, task => Assert.Equal(batchA.Name, task.Batch));
    }

    [Fact]
    public async Task Resume_passes_over_inputs_no_candidate_holds_and_at_the_end_takes_the_latest_unfinished_of_a_tie()
    {
        var session = NewSession();
        await RunAsync(BatchRun.Start(session, null), session, [Shot(1), Shot(2)], stopAfter: 1);
        await RunAsync(BatchRun.Start(session, null), session, [Shot(1), Shot(3)], stopAfter: 1);
        var later = session.Ledger!.GetBatches()[1];

        var choice = ResumeChoice.Begin(session);
        Assert.Null(choice.Offer(Shot(1), userKey: null));
        Assert.Null(choice.Offer(Shot(2), userKey: null)); // held by neither: it tells them nothing
        Assert.Equal(2, choice.Candidates.Count);
        var chosen = choice.Conclude();

        Assert.Equal(later.Name, chosen.Name);
        Assert.Contains("1 other batch holds them too", chosen.ResumedBecause);
    }

    [Fact]
    public async Task Resume_is_not_misled_by_a_row_that_was_never_sent_in_its_own_batch()
    {
        // Run A sent rows 1 and 3 (row 2 declined at -Confirm) and was cut; a later run B shares row 1 and was cut after it.
        var session = NewSession();
        await RunAsync(BatchRun.Start(session, null), session, [Shot(1), Shot(3), Shot(4)], stopAfter: 2);
        await RunAsync(BatchRun.Start(session, null), session, [Shot(1), Shot(12)], stopAfter: 1);
        var batchA = session.Ledger!.GetBatches()[0];

        var resumed = ChooseResumed(session, [Shot(1), Shot(2), Shot(3), Shot(4)]);
        var tasks = await RunAsync(resumed, session, [Shot(1), Shot(2), Shot(3), Shot(4)]);

        Assert.Equal(batchA.Name, resumed.Name);
        Assert.Equal(5, _emulator.Server.Tasks.Count); // 2 + 1 before, then rows 2 and 4 of A: row 3 not paid twice
        Assert.All(tasks, task => Assert.Equal(batchA.Name, task.Batch));
    }

    [Fact]
    public async Task Resume_names_the_finished_batches_it_set_aside_for_an_unfinished_one()
    {
        var session = NewSession();
        await RunAsync(BatchRun.Start(session, "storyboard a"), session, [Shot(1), Shot(2)]);
        await RunAsync(BatchRun.Start(session, "storyboard b"), session, [Shot(1), Shot(12)], stopAfter: 1);

        var choice = ResumeChoice.Begin(session);
        var chosen = choice.Offer(Shot(1), userKey: null);

        Assert.Equal("storyboard b", chosen?.Name);
        Assert.Equal(["storyboard a"], choice.FinishedAlsoHolding);
    }

    [Fact]
    public async Task Resume_continues_the_only_batch_that_holds_the_input_even_when_it_finished()
    {
        var session = NewSession();
        var first = await RunAsync(BatchRun.Start(session, "finished once"), session, [Shot(1)]);

        var resumed = ChooseResumed(session, [Shot(1)]);
        var again = await RunAsync(resumed, session, [Shot(1)]);

        Assert.Equal("finished once", resumed.Name);
        Assert.Equal(first[0].TaskId, again[0].TaskId);
        Assert.Single(_emulator.Server.Tasks);
    }

    [Fact]
    public async Task Resume_tells_finished_takes_apart_by_their_later_inputs_and_never_advises_one_that_lacks_them()
    {
        var session = NewSession();
        await RunAsync(BatchRun.Start(session, "take one"), session, [Shot(1), Shot(2)]);
        await RunAsync(BatchRun.Start(session, "take two"), session, [Shot(1), Shot(3)]);
        await RunAsync(BatchRun.Start(session, "take three"), session, [Shot(1), Shot(3)]);

        Assert.Equal("take one", ChooseResumed(session, [Shot(1), Shot(2)]).Name);
        var error = Assert.Throws<HiApiException>(() => ChooseResumed(session, [Shot(1), Shot(3)]));

        Assert.Equal(HiApiErrorKind.NothingToResume, error.Kind);
        Assert.Contains("'take two'", error.Message);
        Assert.Contains("-Batch 'take three'", error.Message);
        Assert.DoesNotContain("take one", error.Message);
        Assert.Contains("2 of the 2 inputs read", error.Message);
    }

    [Fact]
    public void Resume_sends_nothing_when_no_batch_holds_the_input()
    {
        var error = Assert.Throws<HiApiException>(() => ChooseResumed(NewSession(), [Shot(9)]));

        Assert.Equal(HiApiErrorKind.NothingToResume, error.Kind);
        Assert.Contains("no earlier batch", error.Message);
    }

    [Fact]
    public async Task A_key_the_ledger_holds_with_another_request_is_refused_before_sending()
    {
        var session = NewSession();
        var run = BatchRun.Start(session, "keys");
        var input = run.Plan(Shot(1), userKey: "my-key-1");
        await session.SendAsync(input.Submission, run.Claim(input));

        var other = run.Plan(Shot(2), userKey: "my-key-1");
        Assert.Equal(SubmissionClaimKind.Conflict, other.Known!.Kind);
        var error = await Assert.ThrowsAsync<HiApiException>(() => session.SendAsync(other.Submission, run.Claim(other)));

        Assert.Equal(HiApiErrorKind.IdempotencyConflict, error.Kind);
        Assert.Single(_emulator.Server.Tasks);
    }
}
