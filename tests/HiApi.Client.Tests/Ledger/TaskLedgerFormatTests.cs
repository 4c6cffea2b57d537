using System.Text;
using System.Text.Json.Nodes;

namespace HiApi.Client.Tests.Ledger;

/// <summary>
/// What this version does not understand it never rewrites: fields and record kinds it does not know are kept as
/// they are, and a ledger from a newer format version is only read.
/// </summary>
public sealed class TaskLedgerFormatTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly LedgerTestFolder folder = new();
    private readonly List<string> warnings = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Compaction_keeps_unknown_fields_and_lines_of_unknown_kinds_as_they_were()
    {
        const string batchLine = """{"kind":"shot-list","batchId":"b-1","rows":[1,2,3],"taskId":"tk-in-batch"}""";
        const string otherTypesLine = """{"kind":"shot-list","status":{"done":2},"duration":"3 s"}"""; // known names, other types
        WriteLedger(
            Header(LedgerHeader.WrittenVersion, ""","writer":{"name":"HiApi.Video","build":7}"""),
            """{"taskId":"tk-a","status":"queued","updatedAt":"2026-05-01T12:00:00+00:00","priority":5,"tags":["x"]}""",
            batchLine,
            otherTypesLine,
            """{"taskId":"tk-a","status":"handling","priority":9,"updatedAt":"2026-05-01T12:01:00+00:00"}""",
            """{"idempotencyKey":"key-open","model":"happyhorse-1.1/text-to-video","prompt":"p","status":"submitting","batchId":"b-1","updatedAt":"2026-05-01T12:02:00+00:00"}""");

        var ledger = NewLedger();
        ledger.Compact(Start);

        Assert.Equal(0, ledger.SkippedLineCount);
        var lines = LedgerAssert.FileLines(folder.LedgerPath);
        var header = JsonNode.Parse(lines[0])!.AsObject();
        Assert.Equal("""{"name":"HiApi.Video","build":7}""", header["writer"]!.ToJsonString());
        Assert.Equal([batchLine, otherTypesLine], lines.Where(line => line.Contains("\"kind\"")));
        var task = JsonNode.Parse(Assert.Single(lines, line => line.Contains("\"tk-a\"")))!.AsObject();
        Assert.Equal("handling", (string?)task["status"]);
        Assert.Equal(9, (int?)task["priority"]); // the latest value, like a known field
        Assert.Equal("""["x"]""", task["tags"]!.ToJsonString());
        var submission = JsonNode.Parse(Assert.Single(lines, line => line.Contains("\"key-open\"")))!.AsObject();
        Assert.Equal("b-1", (string?)submission["batchId"]);
        Assert.Equal(["tk-a"], NewLedger().Load().Select(entry => entry.TaskId)); // and the batch line is still no task
    }

    [Fact]
    public void A_line_of_an_unknown_kind_never_becomes_a_task_even_with_a_new_task_id()
    {
        WriteLedger(
            Header(LedgerHeader.WrittenVersion),
            """{"taskId":"tk-real","status":"queued"}""",
            """{"kind":"shot-list","taskId":"tk-phantom","status":"queued"}""",
            """{"kind":"shot-list","taskId":"tk-real","status":"fail"}""",
            """{"kind":"shot-list","idempotencyKey":"key-phantom","status":"submitting"}""");
        var ledger = NewLedger();

        Assert.Equal(["tk-real"], ledger.GetPending().Select(entry => entry.TaskId));
        Assert.Equal("queued", ledger.Find("tk-real")!.Status);
        Assert.Empty(ledger.GetUnresolvedSubmissions());
        Assert.Equal(0, ledger.SkippedLineCount);
    }

    [Fact]
    public void A_ledger_from_a_newer_version_is_read_but_never_written_or_rewritten()
    {
        WriteLedger(
            Header(LedgerHeader.HighestUnderstoodVersion + 1, ""","features":["batches"]"""),
            """{"taskId":"tk-a","status":"success","videoUrl":"https://temp.hiapi.ai/a.mp4","expiresAt":"2026-05-02T12:00:00+00:00","updatedAt":"2026-05-01T12:00:00+00:00","request":{"body":"exact"}}""",
            """{"kind":"shot-list","batchId":"b-1"}""",
            """{"taskId":"tk-b","status":"queued","updatedAt":"2026-05-01T12:00:00+00:00"}""");
        var before = File.ReadAllBytes(folder.LedgerPath);
        var ledger = NewLedger(new LedgerOptions { Warn = warnings.Add, CompactWhenLargerThanBytes = 1, TimeProvider = new ManualTimeProvider(Start) });

        Assert.Equal(["tk-a", "tk-b"], ledger.Load().Select(entry => entry.TaskId));
        ledger.RecordStatus("tk-b", "handling", null, null, null, null);
        ledger.RecordSaved("tk-a", Path.Combine(folder.FolderPath, "a.mp4"), 100);
        ledger.RecordSubmissionRejected("key-x", attempt: null, "E", "m");
        var submitting = Assert.ThrowsAny<IOException>(() => ledger.Claim(new PlannedSubmission(new VideoRequest { Prompt = "p", Duration = 3 }, "key-new", "b", 1)));
        var submitted = Assert.ThrowsAny<IOException>(() => ledger.RecordSubmitted(new LedgerEntry { TaskId = "tk-new" }));
        var compacted = Assert.ThrowsAny<IOException>(() => ledger.Compact(Start.AddYears(1)));

        Assert.Equal(before, File.ReadAllBytes(folder.LedgerPath));
        Assert.Equal("queued", ledger.Find("tk-b")!.Status);
        foreach (var refused in new[] { submitting, submitted, compacted })
        {
            Assert.Contains("newer version of HiApi.Video", refused.Message);
            Assert.Contains($"version {LedgerHeader.HighestUnderstoodVersion + 1}", refused.Message);
            Assert.Contains(folder.LedgerPath, refused.Message);
        }

        Assert.Contains("Update-Module HiApi.Video", submitting.Message);
        Assert.Contains("-LedgerPath", submitting.Message);
        var warning = Assert.Single(warnings); // once, however many writes were left out
        Assert.Contains("newer version of HiApi.Video", warning);
        Assert.Contains("read", warning);
    }

    [Fact]
    public void A_ledger_of_this_version_is_not_read_only()
    {
        WriteLedger(Header(LedgerHeader.HighestUnderstoodVersion), """{"taskId":"tk-a","status":"queued"}""");
        var ledger = NewLedger(new LedgerOptions { Warn = warnings.Add });

        ledger.RecordStatus("tk-a", "handling", null, null, null, null);

        Assert.Equal("handling", NewLedger().Find("tk-a")!.Status);
        Assert.Empty(warnings);
    }

    private TaskLedger NewLedger(LedgerOptions? options = null) => new(folder.LedgerPath, options);

    private static string Header(int version, string extraFields = "") =>
        $$"""{"format":"hiapi-video-task-ledger","version":{{version}},"generation":"0123456789abcdef0123456789abcdef","createdAt":"2026-05-01T11:00:00+00:00"{{extraFields}}}""";

    private void WriteLedger(params string[] lines) =>
        File.WriteAllText(folder.LedgerPath, string.Join('\n', lines) + "\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
}
