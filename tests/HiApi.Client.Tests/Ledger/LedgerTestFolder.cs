namespace HiApi.Client.Tests.Ledger;

/// <summary>A fresh temporary folder per test, removed afterwards; <see cref="LedgerPath"/> does not exist yet.</summary>
public sealed class LedgerTestFolder : IDisposable
{
    public LedgerTestFolder()
    {
        FolderPath = Path.Combine(Path.GetTempPath(), "hiapi-ledger-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(FolderPath);
    }

    public string FolderPath { get; }

    public string LedgerPath => Path.Combine(FolderPath, "ledger.jsonl");

    public void Dispose()
    {
        try
        {
            Directory.Delete(FolderPath, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder must not fail a test.
        }
    }
}
