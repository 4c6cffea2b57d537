using System.Management.Automation;
using System.Security;
using HiApi.Client;
using HiApi.Mock;
using HiApi.Video.Infrastructure;
using HiApi.Video.Mock;

namespace HiApi.Video.Commands;

/// <summary>
/// Start-HiApiMock: starts the offline HiAPI stand-in shipped with the module (127.0.0.1, a free port) and makes every
/// cmdlet of the module in this process talk to it, with its own key and a ledger of its own, until Stop-HiApiMock.
/// Writes the running stand-in: BaseUri and ApiKey for other tools, Requests and Tasks for assertions.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "HiApiMock")]
[OutputType(typeof(MockServer))]
public sealed class StartHiApiMockCommand : PSCmdlet
{
    /// <summary>Seconds from creation to success (a quarter queued, a half handling, a quarter archiving); 0, the default, finishes a task at once.</summary>
    [Parameter]
    [ValidateRange(0.0, 3600.0)]
    [PlainNumber]
    public double RenderSeconds { get; set; }

    /// <summary>Prompts whose task fails (generation_failed), as wildcard patterns matched like -like.</summary>
    [Parameter]
    [ValidateNotNull]
    public string[] FailPrompt { get; set; } = Array.Empty<string>();

    /// <summary>The next creates are refused with these HTTP statuses, one each, in order.</summary>
    [Parameter]
    [ValidateSet("401", "402", "403", "429", "500", "503")]
    public int[] RefuseCreate { get; set; } = Array.Empty<int>();

    /// <summary>USD the stand-in's key may spend; a create it cannot cover is 402. Unlimited when left out.</summary>
    [Parameter]
    [ValidateRange(0.0, 1000000.0)]
    [PlainNumber]
    public decimal BalanceUsd { get; set; }

    /// <summary>USD per generated second: the balance's price and the price list's.</summary>
    [Parameter]
    [ValidateRange(0.0, 1000.0)]
    [PlainNumber]
    public decimal PricePerSecondUsd { get; set; } = 0.01m;

    /// <summary>The body GET /api/pricing serves, as JSON text.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PriceList { get; set; }

    /// <summary>Seconds an output URL works after success (expireAt).</summary>
    [Parameter]
    [ValidateRange(0, 604800)]
    public int OutputLifetimeSeconds { get; set; } = 3600;

    /// <summary>Sign every callback with this webhook signing key; the session's Receive-HiApiCallback uses it too.</summary>
    [Parameter]
    [ValidateNotNull]
    [SecureStringTransformation]
    public SecureString? WebhookSecret { get; set; }

    /// <summary>The task ledger of the stand-in's session; default: a temporary file, deleted by Stop-HiApiMock.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? LedgerPath { get; set; }

    protected override void EndProcessing()
    {
        if (MockSession.Current is { } running)
        {
            ThrowTerminatingError(ErrorRecordFactory.Create(
                new InvalidOperationException(
                    $"A HiAPI stand-in is already running at {running.Server.BaseUri} (started {running.StartedAt:T}): run Stop-HiApiMock first. " +
                    "One process talks to one stand-in, so a second would leave the first one's tests talking to the wrong server."),
                "MockAlreadyRunning",
                ErrorCategory.ResourceExists,
                running.Server));
        }

        var secret = WebhookSecret.ToPlainText();
        MockOptions options;
        try
        {
            options = new MockOptions
            {
                RenderTime = TimeSpan.FromSeconds(RenderSeconds),
                FailPrompts = FailPrompt,
                Balance = MyInvocation.BoundParameters.ContainsKey(nameof(BalanceUsd)) ? BalanceUsd : null,
                PricePerSecond = PricePerSecondUsd,
                PriceList = PriceList,
                OutputLifetime = TimeSpan.FromSeconds(OutputLifetimeSeconds),
                WebhookSecret = secret is null ? null : new WebhookSecret(secret),
            };
        }
        catch (ArgumentException invalid)
        {
            ThrowTerminatingError(ErrorRecordFactory.Create(invalid, "InvalidMockOption", ErrorCategory.InvalidArgument, null));
            return;
        }

        var ledgerPath = LedgerPath is null ? null : FileSystemPaths.Resolve(this, LedgerPath, "a ledger");
        MockServer server;
        try
        {
            server = MockServer.Start(options);
        }
        catch (ArgumentException invalid)
        {
            ThrowTerminatingError(ErrorRecordFactory.Create(invalid, "InvalidMockOption", ErrorCategory.InvalidArgument, null));
            return;
        }

        server.RefuseNextCreates(RefuseCreate);
        MockSession? session;
        try
        {
            session = MockSession.TryBegin(server, ledgerPath, secret);
        }
        catch (Exception unwritable) when (unwritable is IOException or UnauthorizedAccessException)
        {
            server.Stop();
            ThrowTerminatingError(ErrorRecordFactory.Create(
                new IOException($"The stand-in's temporary ledger folder cannot be created: {unwritable.Message}", unwritable),
                "FileSystem",
                ErrorCategory.WriteError,
                null));
            return;
        }

        if (session is null)
        {
            // Another runspace started one between the check above and now.
            server.Stop();
            ThrowTerminatingError(ErrorRecordFactory.Create(
                new InvalidOperationException("A HiAPI stand-in was started by another runspace of this process: run Stop-HiApiMock first."),
                "MockAlreadyRunning",
                ErrorCategory.ResourceExists,
                null));
            return;
        }

        WriteVerbose($"HiAPI stand-in at {server.BaseUri}, key {server.ApiKey}, ledger {session.LedgerPath}. " +
            "Every HiApi cmdlet in this process (and a child pwsh, through HIAPI_BASE_URL and HIAPI_API_KEY) talks to it until Stop-HiApiMock.");
        var output = PSObject.AsPSObject(server);
        output.Properties.Add(new PSNoteProperty("LedgerPath", session.LedgerPath));
        WriteObject(output);
    }
}
