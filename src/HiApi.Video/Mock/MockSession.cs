using HiApi.Client;
using HiApi.Mock;

namespace HiApi.Video.Mock;

/// <summary>
/// The stand-in this process's cmdlets talk to between Start-HiApiMock and Stop-HiApiMock: the one place the module
/// consults, before -BaseUri, -ApiKey, -LedgerPath and the environment, when it resolves where requests go, with
/// which key, and which ledger it writes. Process-wide on purpose: ForEach-Object -Parallel and thread jobs of a test
/// must not reach the real API either. The environment variables are pointed at the stand-in too, so a child pwsh
/// (Start-Job, a script run with pwsh -File) follows; Stop-HiApiMock puts every one of them back as it was.
/// </summary>
internal sealed class MockSession
{
    /// <summary>While the stand-in runs, Wait-HiApiTask polls this often unless -PollIntervalSeconds is given.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(0.1);

    private static readonly string[] Variables =
    [
        BaseUriResolver.EnvironmentVariable,
        HiApi.Client.ApiKey.PrimaryEnvironmentVariable,
        HiApi.Client.ApiKey.SecondaryEnvironmentVariable,
        TaskLedger.PathEnvironmentVariable,
        TaskLedger.DisableEnvironmentVariable,
        WebhookSecret.EnvironmentVariable,
    ];

    private static MockSession? _current;

    private readonly Dictionary<string, string?> _savedEnvironment;

    private MockSession(MockServer server, string ledgerPath, string? ownedFolder, Dictionary<string, string?> savedEnvironment)
    {
        Server = server;
        LedgerPath = ledgerPath;
        OwnedFolder = ownedFolder;
        _savedEnvironment = savedEnvironment;
        ApiKey = new ApiKey(server.ApiKey);
        StartedAt = DateTimeOffset.Now;
    }

    /// <summary>The running session, or null: the module then resolves everything as usual.</summary>
    public static MockSession? Current => Volatile.Read(ref _current);

    public MockServer Server { get; }

    public ApiKey ApiKey { get; }

    /// <summary>The ledger of this session: a temporary file of its own unless Start-HiApiMock was given one.</summary>
    public string LedgerPath { get; }

    /// <summary>The temporary folder holding the ledger, deleted by Stop-HiApiMock; null when the user chose the ledger.</summary>
    public string? OwnedFolder { get; }

    public DateTimeOffset StartedAt { get; }

    /// <summary>
    /// Makes <paramref name="server"/> the stand-in of this process. Null when one is already running: the caller
    /// reports it (two stand-ins would leave the module's requests going to whichever started last).
    /// </summary>
    public static MockSession? TryBegin(MockServer server, string? ledgerPath, string? webhookSecret)
    {
        string? ownedFolder = null;
        if (ledgerPath is null)
        {
            ownedFolder = Path.Combine(Path.GetTempPath(), "hiapi-mock-" + Guid.NewGuid().ToString("n"));
            ledgerPath = Path.Combine(ownedFolder, "ledger.jsonl");
        }

        if (Current is not null)
        {
            return null;
        }

        if (ownedFolder is not null)
        {
            Directory.CreateDirectory(ownedFolder);
        }

        var saved = Variables.ToDictionary(name => name, Environment.GetEnvironmentVariable, StringComparer.Ordinal);
        var session = new MockSession(server, ledgerPath, ownedFolder, saved);
        if (Interlocked.CompareExchange(ref _current, session, null) is not null)
        {
            // Another runspace began one in the meantime.
            if (ownedFolder is not null)
            {
                Directory.Delete(ownedFolder, recursive: true);
            }

            return null;
        }

        Environment.SetEnvironmentVariable(BaseUriResolver.EnvironmentVariable, server.BaseUri.ToString());
        Environment.SetEnvironmentVariable(HiApi.Client.ApiKey.PrimaryEnvironmentVariable, server.ApiKey);
        Environment.SetEnvironmentVariable(HiApi.Client.ApiKey.SecondaryEnvironmentVariable, null);
        Environment.SetEnvironmentVariable(TaskLedger.PathEnvironmentVariable, ledgerPath);
        Environment.SetEnvironmentVariable(TaskLedger.DisableEnvironmentVariable, null);
        // Callbacks of the stand-in are signed with its own secret, or not at all: a real secret would refuse them.
        Environment.SetEnvironmentVariable(WebhookSecret.EnvironmentVariable, webhookSecret);
        return session;
    }

    /// <summary>
    /// Stops the stand-in, puts the environment back as it was before Start-HiApiMock, deletes the temporary ledger,
    /// and lets the module resolve everything as usual again. Only the first call of a session does anything.
    /// </summary>
    public async Task EndAsync()
    {
        if (Interlocked.CompareExchange(ref _current, null, this) != this)
        {
            return;
        }

        try
        {
            await Server.StopAsync().ConfigureAwait(false);
        }
        finally
        {
            foreach (var (name, value) in _savedEnvironment)
            {
                Environment.SetEnvironmentVariable(name, value);
            }

            if (OwnedFolder is not null && Directory.Exists(OwnedFolder))
            {
                Directory.Delete(OwnedFolder, recursive: true);
            }
        }
    }

    /// <summary>
    /// Why the module cannot use the stand-in any more, or null while it runs: it was stopped behind the module's back
    /// (its Stop method), and a refused connection would not say so.
    /// </summary>
    public string? StoppedProblem() => Server.IsRunning
        ? null
        : $"The HiAPI stand-in at {Server.BaseUri} was stopped, but its session is still open: run Stop-HiApiMock to go back to the real API settings.";
}
