namespace HiApi.Client.Tests;

/// <summary>The progress holder hands the reader only the newest report, once.</summary>
public sealed class LatestProgressTests
{
    [Fact]
    public void Takes_the_newest_report_once()
    {
        var progress = new LatestProgress<DownloadProgress>();
        Assert.Null(progress.TakeLatest());

        IProgress<DownloadProgress> reporter = progress;
        reporter.Report(new DownloadProgress("tk-1", 10, 100));
        reporter.Report(new DownloadProgress("tk-1", 60, 100));

        Assert.Equal(new DownloadProgress("tk-1", 60, 100), progress.TakeLatest());
        Assert.Null(progress.TakeLatest());
    }
}
