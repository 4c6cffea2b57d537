namespace HiApi.FaultInjection.Tests.Support;

/// <summary>A fresh temporary folder per test (videos, ledger), removed afterwards.</summary>
public sealed class ScratchFolder : IDisposable
{
    public ScratchFolder(string purpose)
    {
        Path = Directory.CreateTempSubdirectory($"hiapi-{purpose}-").FullName;
    }

    public string Path { get; }

    public string LedgerPath => System.IO.Path.Combine(Path, "ledger", "ledger.jsonl");

    public string VideoFolder => System.IO.Path.Combine(Path, "videos");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder must not fail a test.
        }
    }
}
