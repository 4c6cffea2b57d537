namespace HiApi.Client.Tests.Ledger;

/// <summary>
/// The row travels with its submission and its task through the ledger: written before the POST, read back by another
/// instance (a fresh session), kept by compaction, replaced by the latest row a re-run brings, and bounded on read too
/// (issue 18).
/// </summary>
public sealed class TaskLedgerRowTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly VideoRequest Gull = new() { Prompt = "gull", Duration = 3 };

    private readonly LedgerTestFolder folder = new();
    private readonly ManualTimeProvider clock = new(Start);

    public void Dispose() => folder.Dispose();

    private TaskLedger NewLedger() => new(folder.LedgerPath, new LedgerOptions { TimeProvider = clock });

    private static TaskRow Row(string scene, string notes) =>
        TaskRow.From([new("Scene", scene), new("Notes", notes)])!;

    [Fact]
    public void A_submissions_row_is_on_disk_before_the_POST_and_goes_to_its_task()
    {
        var planned = new PlannedSubmission(Gull, "hv1.k.1", "b", 3) { Row = Row("12", "wide") };
        NewLedger().Claim(planned);

        var unresolved = Assert.Single(NewLedger().GetUnresolvedSubmissions());
        Assert.Equal("Scene=12; Notes=wide", unresolved.Row!.ToString());
        Assert.True(planned.Row!.SameAs(unresolved.Planned.Row));

        NewLedger().RecordSubmitted(new LedgerEntry { TaskId = "tk-1", IdempotencyKey = "hv1.k.1", Request = Gull, Batch = "b", InputNumber = 3, Row = planned.Row });

        var task = NewLedger().Find("tk-1")!.ToTask();
        Assert.Equal("12", task.Row!["Scene"]);
        Assert.Equal(3, task.InputNumber);
        Assert.Equal(Gull, task.Request); // the row is never part of the request
    }

    [Fact]
    public void Compaction_keeps_the_row()
    {
        var ledger = NewLedger();
        ledger.Claim(new PlannedSubmission(Gull, "hv1.k.1", "b", 1) { Row = Row("7", "close") });
        ledger.RecordSubmitted(new LedgerEntry { TaskId = "tk-1", IdempotencyKey = "hv1.k.1", Request = Gull, Batch = "b", InputNumber = 1, Row = Row("7", "close") });
        ledger.Claim(new PlannedSubmission(new VideoRequest { Prompt = "pier", Duration = 3 }, "hv1.k.2", "b", 2) { Row = Row("8", "open") });

        ledger.Compact(Start);

        Assert.Equal("Scene=7; Notes=close", NewLedger().Find("tk-1")!.Row!.ToString());
        Assert.Equal("Scene=8; Notes=open", Assert.Single(NewLedger().GetUnresolvedSubmissions()).Row!.ToString());
    }

    [Fact]
    public void The_latest_row_wins_and_an_unchanged_row_writes_nothing()
    {
        var ledger = NewLedger();
        ledger.RecordSubmitted(new LedgerEntry { TaskId = "tk-1", Request = Gull, Row = Row("12", "wide") });
        var lines = File.ReadAllLines(folder.LedgerPath).Length;

        ledger.RecordRow("tk-1", Row("12", "wide"));
        Assert.Equal(lines, File.ReadAllLines(folder.LedgerPath).Length);

        ledger.RecordRow("tk-1", Row("12", "wider, after the edit"));
        ledger.RecordRow("tk-unknown", Row("1", "a forged id adds nothing"));

        Assert.Equal(lines + 1, File.ReadAllLines(folder.LedgerPath).Length);
        Assert.Equal("wider, after the edit", NewLedger().Find("tk-1")!.Row!["Notes"]);
        Assert.Null(NewLedger().Find("tk-unknown"));
    }

    [Fact]
    public void A_row_read_back_is_bounded_like_one_written()
    {
        var columns = string.Join(",", Enumerable.Range(1, 80).Select(i => $"\"C{i}\":\"v\""));
        File.WriteAllText(folder.LedgerPath, $"{{\"taskId\":\"tk-1\",\"body\":{System.Text.Json.JsonSerializer.Serialize(Gull.BodyText)},\"row\":{{{columns}}}}}\n");

        Assert.Equal(TaskRow.MaxProperties, NewLedger().Find("tk-1")!.Row!.Count);
    }
}
