using System.Text;

namespace HiApi.Client.Tests.Ledger;

/// <summary>
/// Each operation reads only what was appended since the last one, whatever the file starts with; a file that was
/// replaced (compacted elsewhere, restored, truncated) is read again from the start.
/// </summary>
public sealed class TaskLedgerIncrementalReadTests : IDisposable
{
    private const int Tasks = 2000;

    private readonly LedgerTestFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData("no header")]
    [InlineData("a header over 1 KiB")]
    public void A_ledger_is_read_incrementally_whatever_its_first_line(string start)
    {
        var firstLine = start == "no header"
            ? null
            : $$"""{"format":"hiapi-video-task-ledger","version":1,"generation":"0123456789abcdef0123456789abcdef","note":"{{new string('n', 2048)}}"}""";
        WriteTasks(firstLine);
        var ledger = new TaskLedger(folder.LedgerPath);
        ledger.Load();
        var sizeBefore = new FileInfo(folder.LedgerPath).Length;
        Assert.Equal(sizeBefore, ledger.BytesFolded);

        for (var i = 0; i < 20; i++)
        {
            ledger.RecordStatus($"tk-{i}", "handling", null, null, null, null);
            ledger.Load();
        }

        var appended = new FileInfo(folder.LedgerPath).Length - sizeBefore;
        Assert.Equal(sizeBefore + appended, ledger.BytesFolded);
        Assert.Equal("handling", new TaskLedger(folder.LedgerPath).Find("tk-19")!.Status);
    }

    [Fact]
    public void A_ledger_without_the_header_compacted_by_another_instance_is_read_from_the_start()
    {
        WriteTasks(firstLine: null);
        var ledger = new TaskLedger(folder.LedgerPath);
        ledger.RecordStatus("tk-5", "handling", null, null, null, null);

        var other = new TaskLedger(folder.LedgerPath);
        other.Compact(DateTimeOffset.UtcNow);
        other.RecordStatus("tk-6", "archiving", null, null, null, null);

        Assert.Equal(Tasks, ledger.Load().Count);
        Assert.Equal("handling", ledger.Find("tk-5")!.Status);
        Assert.Equal("archiving", ledger.Find("tk-6")!.Status);
        Assert.Equal(0, ledger.SkippedLineCount);
    }

    [Fact]
    public void A_file_restored_from_a_copy_with_another_last_line_is_read_from_the_start()
    {
        WriteTasks(firstLine: null);
        var ledger = new TaskLedger(folder.LedgerPath);
        ledger.Load();

        // A copy that starts alike and is as long or longer, but whose last line read so far differs.
        var text = File.ReadAllText(folder.LedgerPath).Replace($"tk-{Tasks - 1}\",\"status\":\"queued", $"tk-{Tasks - 1}\",\"status\":\"failed");
        File.WriteAllText(folder.LedgerPath + ".new", text + "{\"taskId\":\"tk-extra\",\"status\":\"queued\"}\n");
        File.Move(folder.LedgerPath + ".new", folder.LedgerPath, overwrite: true);

        Assert.Equal("failed", ledger.Find($"tk-{Tasks - 1}")!.Status);
        Assert.True(ledger.Contains("tk-extra"));
    }

    [Fact]
    public void A_file_cut_shorter_is_read_from_the_start()
    {
        WriteTasks(firstLine: null);
        var ledger = new TaskLedger(folder.LedgerPath);
        Assert.Equal(Tasks, ledger.Load().Count);

        var lines = File.ReadAllLines(folder.LedgerPath);
        File.WriteAllLines(folder.LedgerPath, lines[..10]);

        Assert.Equal(10, ledger.Load().Count);
    }

    [Fact]
    public void A_file_replaced_by_one_with_other_first_bytes_is_read_from_the_start()
    {
        WriteTasks(firstLine: null);
        var ledger = new TaskLedger(folder.LedgerPath);
        ledger.Load();

        var other = new StringBuilder();
        for (var i = 0; i < Tasks + 10; i++)
        {
            other.Append($"{{\"taskId\":\"tk-other-{i}\",\"status\":\"queued\"}}\n");
        }

        File.WriteAllText(folder.LedgerPath, other.ToString());

        Assert.Equal(Tasks + 10, ledger.Load().Count);
        Assert.False(ledger.Contains("tk-0"));
    }

    /// <summary>A ledger written by hand or by another tool: one line per task, about 40 KiB.</summary>
    private void WriteTasks(string? firstLine)
    {
        var text = new StringBuilder();
        if (firstLine is not null)
        {
            text.Append(firstLine).Append('\n');
        }

        for (var i = 0; i < Tasks; i++)
        {
            text.Append($"{{\"taskId\":\"tk-{i}\",\"status\":\"queued\",\"prompt\":\"shot {i}\"}}\n");
        }

        File.WriteAllText(folder.LedgerPath, text.ToString());
    }
}
