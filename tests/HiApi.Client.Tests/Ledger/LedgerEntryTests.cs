namespace HiApi.Client.Tests.Ledger;

public sealed class LedgerEntryTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(null, false, false, true)]
    [InlineData("queued", false, false, true)]
    [InlineData("handling", false, false, true)]
    [InlineData("archiving", false, false, true)]
    [InlineData("success", false, true, true)]
    [InlineData("success", true, true, false)]
    [InlineData("fail", false, true, false)]
    [InlineData("fail", true, true, false)]
    [InlineData("handling", true, false, true)]
    public void Terminal_and_pending_follow_status_and_saved_file(string? status, bool saved, bool terminal, bool pending)
    {
        var entry = new LedgerEntry { TaskId = "tk-1", Status = status, SavedPath = saved ? "/videos/a.mp4" : null };

        Assert.Equal(terminal, entry.IsTerminal);
        Assert.Equal(saved, entry.IsSaved);
        Assert.Equal(pending, entry.IsPending);
    }

    [Theory]
    [InlineData("success", false, -1, true)]
    [InlineData("success", false, 0, true)]
    [InlineData("success", false, 1, false)]
    [InlineData("success", true, -1, false)]
    [InlineData("handling", false, -1, false)]
    [InlineData("fail", false, -1, false)]
    public void Expired_means_a_successful_unsaved_video_past_its_expiry(string status, bool saved, int expiresInSeconds, bool expired)
    {
        var entry = new LedgerEntry
        {
            TaskId = "tk-1",
            Status = status,
            ExpiresAt = Now.AddSeconds(expiresInSeconds),
            SavedPath = saved ? "/videos/a.mp4" : null,
        };

        Assert.Equal(expired, entry.IsExpired(Now));
    }

    [Fact]
    public void A_success_without_a_known_expiry_is_not_expired()
    {
        var entry = new LedgerEntry { TaskId = "tk-1", Status = "success" };

        Assert.False(entry.IsExpired(Now));
        Assert.True(entry.IsPending);
    }
}
