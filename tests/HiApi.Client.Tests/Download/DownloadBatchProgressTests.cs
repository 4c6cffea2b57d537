namespace HiApi.Client.Tests;

public sealed class DownloadBatchProgressTests
{
    [Fact]
    public void The_rate_counts_only_the_time_a_download_ran_not_the_wait_for_the_next_video()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
        var progress = new DownloadBatchProgress(clock);
        clock.Advance(TimeSpan.FromSeconds(20)); // Save waits for the first render: nothing runs

        var first = progress.Start();
        first.Report(new DownloadProgress("tk-1", 1_000_000, 1_000_000));
        clock.Advance(TimeSpan.FromSeconds(1));
        first.Finish(1_000_000);
        clock.Advance(TimeSpan.FromSeconds(30)); // the second render: nothing runs
        var second = progress.Start();
        second.Report(new DownloadProgress("tk-2", 500_000, 1_000_000));
        clock.Advance(TimeSpan.FromSeconds(1));

        var snapshot = progress.Snapshot();

        Assert.Equal(750_000, snapshot.BytesPerSecond, precision: 0); // 1.5 MB in the 2 s downloads ran, not in 52 s
        Assert.Equal(1, snapshot.SecondsRemaining); // 0.5 MB left at 0.75 MB/s
    }
}
