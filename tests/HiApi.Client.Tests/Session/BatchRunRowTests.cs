namespace HiApi.Client.Tests;

/// <summary>
/// A row travels with its task without changing what is paid for: the same request with other columns has the same key
/// and gets the same task back, now carrying the new row; an input's number is its place in the pipeline (issue 18).
/// </summary>
public sealed class BatchRunRowTests : IAsyncLifetime
{
    private EmulatorHarness _emulator = null!;
    private string _ledgerPath = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorHarness.StartAsync();
        _ledgerPath = Path.Combine(_emulator.Directory, "ledger.jsonl");
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    private static readonly VideoRequest Lighthouse = new() { Prompt = "a lighthouse at dawn", Duration = 3 };

    private static TaskRow Row(string notes) => TaskRow.From([new("Scene", "12"), new("Notes", notes)])!;

    private HiApiSession NewSession() => new(_emulator.Client(), new TaskLedger(_ledgerPath));

    /// <summary>What New-HiApiVideoTask does with one input: plan, claim, then send or hand back.</summary>
    private static async Task<HiApiTask> SubmitAsync(HiApiSession session, TaskRow row, int inputNumber)
    {
        var run = BatchRun.Start(session, "storyboard");
        var input = run.Plan(Lighthouse, userKey: null, row, inputNumber);
        if (input.Known is { Kind: SubmissionClaimKind.Created, Task: { } known })
        {
            return session.HandBack(known, input.Submission);
        }

        return await session.SendAsync(input.Submission, run.Claim(input));
    }

    [Fact]
    public async Task Another_column_changes_neither_the_body_nor_the_key_and_the_task_comes_back_with_the_new_row()
    {
        var first = await SubmitAsync(NewSession(), Row("wide"), inputNumber: 3);
        var again = await SubmitAsync(NewSession(), Row("wider, after the edit"), inputNumber: 3);

        Assert.Single(_emulator.Server.Tasks);
        Assert.Single(_emulator.RequestsOfKind("create"));
        Assert.Equal(first.TaskId, again.TaskId);
        Assert.Equal(first.IdempotencyKey, again.IdempotencyKey);
        Assert.Equal("wide", first.Row!["Notes"]);
        Assert.Equal("wider, after the edit", again.Row!["Notes"]);
        Assert.Equal(3, again.InputNumber);
        Assert.Equal(IdempotencyKeys.Derive("storyboard", Lighthouse, 1), again.IdempotencyKey); // the key of the request alone

        // A fresh session (another day) reads the latest row from the ledger.
        var later = NewSession().GetKnownTasks().Single();
        Assert.Equal("wider, after the edit", later.Row!["Notes"]);
    }

    [Fact]
    public void An_inputs_number_is_the_one_given_and_the_next_one_follows_it()
    {
        var run = BatchRun.Start(NewSession(), "numbers");

        Assert.Equal(1, run.Plan(Lighthouse, null).Submission.InputNumber);
        Assert.Equal(3, run.Plan(Lighthouse, null, inputNumber: 3).Submission.InputNumber); // input 2 was refused before planning
        Assert.Equal(4, run.Plan(Lighthouse, null).Submission.InputNumber);
    }
}
