using System.Text;

namespace HiApi.Client.Tests.Ledger;

public sealed class TaskLedgerCorruptionTests : IDisposable
{
    private readonly LedgerTestFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void A_torn_last_line_is_skipped()
    {
        WriteThreeEntries();
        AppendRaw("{\"taskId\":\"tk-torn\",\"model\":\"happyhorse-1.1/text-");

        var ledger = new TaskLedger(folder.LedgerPath);
        var entries = ledger.Load();

        Assert.Equal(new[] { "tk-0", "tk-1", "tk-2" }, entries.Select(entry => entry.TaskId));
        Assert.Equal(1, ledger.SkippedLineCount);
    }

    [Fact]
    public void The_next_append_after_a_torn_line_is_not_swallowed_by_it()
    {
        WriteThreeEntries();
        AppendRaw("{\"taskId\":\"tk-torn\",\"prom");

        var ledger = new TaskLedger(folder.LedgerPath);
        ledger.RecordSubmitted(new LedgerEntry { TaskId = "tk-after", Request = new VideoRequest { Prompt = "after the crash" } });

        var reloaded = new TaskLedger(folder.LedgerPath);
        Assert.Equal(new[] { "tk-0", "tk-1", "tk-2", "tk-after" }, reloaded.Load().Select(entry => entry.TaskId));
        Assert.Equal("after the crash", reloaded.Find("tk-after")!.Prompt);
        Assert.Equal(1, reloaded.SkippedLineCount);
    }

    [Fact]
    public void Corrupt_middle_lines_are_skipped_and_counted()
    {
        var ledger = new TaskLedger(folder.LedgerPath);
        ledger.RecordSubmitted(new LedgerEntry { TaskId = "tk-0", Status = "queued" });
        AppendRaw("this is not json\n");
        AppendRaw("{\"taskId\":\"tk-bad\",\"duration\":\"three\"}\n");
        AppendRaw("{\"model\":\"no task id\"}\n");
        AppendBytes([.. "{\"taskId\":\""u8, 0xFF, 0xFE, .. "\"}\n"u8]); // invalid UTF-8 in a well-formed line
        AppendBytes(new byte[32].Append((byte)'\n').ToArray()); // zero-filled block left by a power cut
        ledger.RecordSubmitted(new LedgerEntry { TaskId = "tk-1", Status = "queued" });
        ledger.RecordStatus("tk-0", "handling", null, null, null, null);

        var reloaded = new TaskLedger(folder.LedgerPath);
        var entries = reloaded.Load();

        Assert.Equal(new[] { "tk-0", "tk-1" }, entries.Select(entry => entry.TaskId));
        Assert.Equal("handling", entries[0].Status);
        Assert.Equal(5, reloaded.SkippedLineCount);
    }

    [Fact]
    public void Blank_lines_and_a_byte_order_mark_are_harmless()
    {
        File.WriteAllText(
            folder.LedgerPath,
            "{\"taskId\":\"tk-0\",\"status\":\"queued\"}\r\n\n   \n{\"taskId\":\"tk-0\",\"status\":\"handling\"}\n",
            new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        var ledger = new TaskLedger(folder.LedgerPath);

        Assert.Equal("handling", Assert.Single(ledger.Load()).Status);
        Assert.Equal(0, ledger.SkippedLineCount);
    }

    [Fact]
    public void Compaction_drops_corrupt_lines_and_keeps_every_readable_entry()
    {
        WriteThreeEntries();
        AppendRaw("garbage\n");
        AppendRaw("{\"taskId\":\"tk-torn");
        var ledger = new TaskLedger(folder.LedgerPath);

        var result = ledger.Compact(DateTimeOffset.UtcNow);

        Assert.Equal(3, result.EntriesAfter);
        Assert.Equal(new[] { "tk-0", "tk-1", "tk-2" }, new TaskLedger(folder.LedgerPath).Load().Select(entry => entry.TaskId));
        Assert.Equal(0, ledger.SkippedLineCount);
    }

    private void WriteThreeEntries()
    {
        var ledger = new TaskLedger(folder.LedgerPath);
        for (var i = 0; i < 3; i++)
        {
            ledger.RecordSubmitted(new LedgerEntry { TaskId = $"tk-{i}", Status = "queued" });
        }
    }

    private void AppendRaw(string text) => AppendBytes(Encoding.UTF8.GetBytes(text));

    private void AppendBytes(byte[] bytes)
    {
        using var stream = new FileStream(folder.LedgerPath, FileMode.Append, FileAccess.Write);
        stream.Write(bytes);
    }
}
