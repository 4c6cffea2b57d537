using System.Management.Automation;
using System.Security;
using HiApi.Client;
using HiApi.Video.Infrastructure;

namespace HiApi.Video.Commands;

/// <summary>
/// What every HiApi cmdlet shares: -ApiKey and -BaseUri, a lazily built client (so -WhatIf and bad input never
/// need a key), Ctrl+C wiring and the conversion of client exceptions to error records.
/// The cmdlets stay thin: all decisions live in HiApi.Client.
/// </summary>
public abstract class HiApiCommandBase : PSCmdlet, IDisposable
{
    private HiApiClient? _client;
    private HiApiSession? _session;
    private Lazy<TaskLedger?>? _ledger;
    private bool _disposed;

    /// <summary>The HiAPI key. Defaults to $env:HIAPI_API_KEY, then $env:HIAPI_KEY.</summary>
    [Parameter]
    [ValidateNotNull]
    public SecureString? ApiKey { get; set; }

    /// <summary>The API root. Defaults to $env:HIAPI_BASE_URL, then https://api.hiapi.ai.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? BaseUri { get; set; }

    /// <summary>The task ledger file. Defaults to $env:HIAPI_LEDGER_PATH, then a file in the user's local data folder.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? LedgerPath { get; set; }

    /// <summary>Do not read or write the task ledger (also: $env:HIAPI_LEDGER = 'off').</summary>
    [Parameter]
    public SwitchParameter NoLedger { get; set; }

    internal PipelineRunner Runner { get; } = new();

    /// <summary>The client, built on first use; a missing key or an unsafe base URI ends the command.</summary>
    protected HiApiClient Client => _client ??= CreateClient();

    /// <summary>The client with the task ledger, so nothing paid for is lost.</summary>
    protected HiApiSession Session => _session ??= new HiApiSession(() => Client, Ledger, warn: message => Runner.QueueWarning(message));

    /// <summary>
    /// The session, with the key and base URI resolved first on the pipeline thread: a missing key then ends the
    /// command with a proper error record before any work starts (inside async work it would surface wrapped).
    /// </summary>
    protected HiApiSession OnlineSession
    {
        get
        {
            _ = Client;
            return Session;
        }
    }

    /// <summary>The ledger alone (null when switched off), for work that needs no key, such as checking a callback.</summary>
    protected TaskLedger? Ledger => (_ledger ??= new Lazy<TaskLedger?>(
        () => TaskLedger.Open(LedgerPath is null ? null : ResolveFileSystemPath(LedgerPath), NoLedger.IsPresent))).Value;

    protected override void StopProcessing() => Runner.Stop();

    /// <summary>Runs client work on the thread pool while this (pipeline) thread keeps writing verbose and progress.</summary>
    protected T Run<T>(Func<CancellationToken, Task<T>> work, Action? onTick = null)
    {
        try
        {
            return Runner.Run(work, WriteVerbose, WriteWarning, onTick);
        }
        catch (OperationCanceledException) when (Runner.IsStopping)
        {
            throw new PipelineStoppedException();
        }
    }

    protected void WriteHiApiError(HiApiException exception, object? target = null)
        => WriteError(ErrorRecordFactory.Create(exception, target));

    protected void ThrowHiApiError(HiApiException exception, object? target = null)
        => ThrowTerminatingError(ErrorRecordFactory.Create(exception, target));

    /// <summary>
    /// The webhook signing key from a cmdlet's -WebhookSecret, else $env:HIAPI_WEBHOOK_SECRET; null when neither is set.
    /// An empty -WebhookSecret ends the command: accepting unsigned callbacks by mistake would be worse.
    /// </summary>
    protected WebhookSecret? ResolveWebhookSecret(SecureString? secret)
    {
        try
        {
            return WebhookSecret.Resolve(secret.ToPlainText());
        }
        catch (HiApiException exception)
        {
            ThrowHiApiError(exception);
            throw; // unreachable: ThrowTerminatingError always throws
        }
    }

    /// <summary>Resolves a path against the PowerShell location (not the process directory), like the web cmdlets.</summary>
    protected string ResolveFileSystemPath(string path)
        => SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);

    private HiApiClient CreateClient()
    {
        try
        {
            var options = new HiApiClientOptions
            {
                BaseUri = BaseUriResolver.Resolve(BaseUri),
                ApiKey = HiApi.Client.ApiKey.Resolve(ApiKey.ToPlainText()),
                Log = Runner.QueueVerbose,
            };
            return new HiApiClient(options);
        }
        catch (HiApiException exception)
        {
            ThrowHiApiError(exception);
            throw; // unreachable: ThrowTerminatingError always throws
        }
    }

    /// <summary>PowerShell disposes cmdlets at the end of the pipeline, also after Ctrl+C or an error.</summary>
    protected virtual void ReleaseResources()
    {
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        ReleaseResources();
        Runner.Dispose();
        GC.SuppressFinalize(this);
    }
}
