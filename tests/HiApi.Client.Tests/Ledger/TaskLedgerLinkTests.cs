namespace HiApi.Client.Tests.Ledger;

/// <summary>
/// A ledger reached through a symbolic link is the file the link points to: locked, appended to and compacted
/// there, so a user of the link and a user of the real path share one lock, and the link stays a link.
/// </summary>
public sealed class TaskLedgerLinkTests : IDisposable
{
    private readonly LedgerTestFolder folder = new();

    public void Dispose() => folder.Dispose();

    private string RealPath => folder.LedgerPath;

    [Fact]
    public void Compaction_through_a_link_replaces_the_file_it_points_to_and_leaves_the_link_a_link()
    {
        var link = Link("link.jsonl", RealPath);
        var throughLink = new TaskLedger(link);
        throughLink.RecordSubmitted(LedgerSampleEntries.Create("link", 0));
        throughLink.RecordStatus(LedgerSampleEntries.TaskId("link", 0), "handling", null, null, null, null);

        throughLink.Compact(DateTimeOffset.UtcNow);
        new TaskLedger(RealPath).RecordSubmitted(LedgerSampleEntries.Create("real", 0));

        Assert.Equal(RealPath, new FileInfo(link).ResolveLinkTarget(returnFinalTarget: true)?.FullName);
        Assert.Equal(
            [LedgerSampleEntries.TaskId("link", 0), LedgerSampleEntries.TaskId("real", 0)],
            throughLink.Load().Select(entry => entry.TaskId));
        Assert.Equal("handling", new TaskLedger(RealPath).Find(LedgerSampleEntries.TaskId("link", 0))!.Status);
        Assert.False(File.Exists(link + ".tmp"));
        Assert.False(File.Exists(RealPath + ".tmp"));
    }

    [Fact]
    public void The_lock_file_lies_beside_the_file_a_chain_of_links_finally_points_to()
    {
        var first = Link("first.jsonl", RealPath);
        var second = Link("second.jsonl", first);

        new TaskLedger(second).RecordSubmitted(LedgerSampleEntries.Create("chain", 0));

        Assert.True(File.Exists(RealPath + ".lock"));
        Assert.False(File.Exists(first + ".lock"));
        Assert.False(File.Exists(second + ".lock"));
        Assert.Equal(LedgerSampleEntries.TaskId("chain", 0), Assert.Single(new TaskLedger(RealPath).Load()).TaskId);
        Assert.NotNull(new FileInfo(second).LinkTarget);
    }

    [Fact]
    public void A_held_lock_on_the_real_path_also_holds_off_a_writer_using_the_link()
    {
        var link = Link("link.jsonl", RealPath);
        var throughLink = new TaskLedger(link, new LedgerOptions { LockTimeout = TimeSpan.FromMilliseconds(100) });
        throughLink.RecordSubmitted(LedgerSampleEntries.Create("before", 0));

        using (new FileStream(RealPath + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var refused = Assert.Throws<IOException>(() => throughLink.RecordSubmitted(LedgerSampleEntries.Create("blocked", 0)));
            Assert.Contains(RealPath + ".lock", refused.Message);
        }
    }

    [Fact]
    public void A_dangling_link_gets_its_file_created_where_it_points()
    {
        var link = Link("dangling.jsonl", RealPath);

        new TaskLedger(link).RecordSubmitted(LedgerSampleEntries.Create("dangling", 0));

        Assert.True(File.Exists(RealPath));
        Assert.NotNull(new FileInfo(link).LinkTarget);
        LedgerAssert.SameEntry(LedgerSampleEntries.Create("dangling", 0), new TaskLedger(RealPath).Find(LedgerSampleEntries.TaskId("dangling", 0)));
    }

    [Fact]
    public void A_link_into_a_missing_folder_is_refused_without_creating_that_folder()
    {
        var unmounted = Path.Combine(folder.FolderPath, "unmounted-drive");
        var link = Link("link.jsonl", Path.Combine(unmounted, "ledger.jsonl"));
        var ledger = new TaskLedger(link);

        var refused = Assert.ThrowsAny<IOException>(() => ledger.Claim(new PlannedSubmission(new VideoRequest { Prompt = "x", Duration = 3 }, "key-1", "b", 1)));

        Assert.Contains(link, refused.Message);
        Assert.Contains(unmounted, refused.Message);
        Assert.False(Directory.Exists(unmounted));
        Assert.Empty(ledger.Load()); // reading it is reading nothing
    }

    [Fact]
    public void A_folder_or_a_link_to_one_is_refused_with_a_clear_error_and_no_lock_file_beside_it()
    {
        var folderAsLedger = Path.Combine(folder.FolderPath, "ledgers");
        Directory.CreateDirectory(folderAsLedger);
        var linkToFolder = Path.Combine(folder.FolderPath, "folder-link.jsonl");
        Directory.CreateSymbolicLink(linkToFolder, folderAsLedger);

        foreach (var path in new[] { folderAsLedger, linkToFolder })
        {
            var ledger = new TaskLedger(path);
            var write = Assert.Throws<IOException>(() => ledger.RecordSubmitted(LedgerSampleEntries.Create("folder", 0)));
            var read = Assert.Throws<IOException>(() => ledger.Load());

            Assert.Contains("is a folder", write.Message);
            Assert.Contains(Path.Combine(folderAsLedger, "ledger.jsonl"), write.Message); // what to pass instead
            Assert.Equal(write.Message, read.Message);
            Assert.False(File.Exists(path + ".lock"));
        }
    }

    private string Link(string name, string target)
    {
        var link = Path.Combine(folder.FolderPath, name);
        File.CreateSymbolicLink(link, target);
        return link;
    }
}
