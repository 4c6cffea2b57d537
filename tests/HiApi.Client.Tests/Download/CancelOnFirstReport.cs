namespace HiApi.Client.Tests;

/// <summary>Cancels the download's token at its first progress report, synchronously, as Ctrl+C mid-transfer would.</summary>
internal sealed class CancelOnFirstReport : IProgress<DownloadProgress>
{
    private readonly CancellationTokenSource _cts;

    public CancelOnFirstReport(CancellationTokenSource cts) => _cts = cts;

    public void Report(DownloadProgress value) => _cts.Cancel();
}
