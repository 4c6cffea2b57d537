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

    [Fact]
    public void A_line_over_the_cap_is_skipped_without_ever_being_held_in_memory()
    {
        // 24 MiB of one line: reading it whole (into a buffer, then a string) would allocate several times that.
        const int lineBytes = 24 * 1024 * 1024;
        WriteThreeEntries();
        using (var stream = new FileStream(folder.LedgerPath, FileMode.Append, FileAccess.Write))
        {
            stream.Write("{\"taskId\":\"tk-huge\",\"prompt\":\""u8);
            var chunk = Encoding.UTF8.GetBytes(new string('x', 64 * 1024));
            for (var written = 0; written < lineBytes; written += chunk.Length)
            {
                stream.Write(chunk);
            }

            stream.Write("\"}\n"u8);
        }

        AppendRaw("{\"taskId\":\"tk-after\",\"status\":\"queued\"}\n"); // a write through the ledger would compact the line away
        var ledger = new TaskLedger(folder.LedgerPath);

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var entries = ledger.Load();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.Equal(new[] { "tk-0", "tk-1", "tk-2", "tk-after" }, entries.Select(entry => entry.TaskId));
        Assert.Equal(1, ledger.SkippedLineCount);
        Assert.True(allocated < 8 * 1024 * 1024, $"reading the ledger allocated {allocated / (1024 * 1024)} MiB for a {lineBytes / (1024 * 1024)} MiB line");
    }

    [Fact]
    public void A_line_just_under_the_cap_is_read()
    {
        WriteThreeEntries();
        var prompt = new string('p', LedgerFile.MaxLineBytes - 100);
        AppendRaw($"{{\"taskId\":\"tk-long\",\"prompt\":\"{prompt}\"}}\n");

        var ledger = new TaskLedger(folder.LedgerPath);

        Assert.Equal(prompt, ledger.Find("tk-long")!.Prompt);
        Assert.Equal(0, ledger.SkippedLineCount);
    }

    [Fact]
    public void A_saved_file_without_a_usable_path_is_ignored_and_the_task_stays_owed()
    {
        var ledger = new TaskLedger(folder.LedgerPath);
        foreach (var id in new[] { "tk-empty", "tk-null-list", "tk-blank-list", "tk-negative" })
        {
            ledger.RecordSubmitted(new LedgerEntry { TaskId = id, Status = "success", VideoUrl = "https://temp.hiapi.ai/v.mp4", ExpiresAt = DateTimeOffset.UtcNow.AddDays(1) });
        }

        AppendRaw("{\"taskId\":\"tk-empty\",\"savedPath\":\"\",\"savedLength\":5,\"status\":\"success\"}\n");
        AppendRaw("{\"taskId\":\"tk-null-list\",\"savedFiles\":[null,{\"path\":null,\"length\":5}]}\n");
        AppendRaw("{\"taskId\":\"tk-blank-list\",\"savedFiles\":[{\"path\":\"  \",\"length\":5},{\"path\":\"/ok/v.mp4\",\"length\":7}]}\n");
        AppendRaw("{\"taskId\":\"tk-negative\",\"savedPath\":\"/ok/n.mp4\",\"savedLength\":-1}\n");

        var reloaded = new TaskLedger(folder.LedgerPath);
        var entries = reloaded.Load();

        Assert.Equal(4, entries.Count);
        Assert.Equal(4, reloaded.SkippedLineCount);
        Assert.All(entries, entry => Assert.All(entry.SavedFiles, saved => Assert.False(string.IsNullOrWhiteSpace(saved.Path))));
        Assert.Equal(new[] { "tk-empty", "tk-null-list", "tk-blank-list", "tk-negative" }, reloaded.GetPending().Select(entry => entry.TaskId));
        Assert.Equal(new[] { new SavedFile("/ok/v.mp4", 7) }, reloaded.Find("tk-blank-list")!.SavedFiles);
        Assert.Equal("success", reloaded.Find("tk-empty")!.Status); // the rest of the line still counts
    }

    [Fact]
    public void Skipped_lines_are_reported_once_with_their_count_and_the_ledger_path()
    {
        WriteThreeEntries();
        AppendRaw("not json\n");
        AppendRaw("{\"model\":\"no task id\"}\n");
        var warnings = new List<string>();
        var ledger = new TaskLedger(folder.LedgerPath, new LedgerOptions { Warn = warnings.Add });

        ledger.Load();
        ledger.RecordStatus("tk-0", "handling", null, null, null, null);
        ledger.Find("tk-1");

        var warning = Assert.Single(warnings);
        Assert.Contains("2 line(s)", warning);
        Assert.Contains(folder.LedgerPath, warning);
    }

    [Fact]
    public void A_clean_ledger_warns_nothing()
    {
        WriteThreeEntries();
        var warnings = new List<string>();

        new TaskLedger(folder.LedgerPath, new LedgerOptions { Warn = warnings.Add }).Load();

        Assert.Empty(warnings);
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
