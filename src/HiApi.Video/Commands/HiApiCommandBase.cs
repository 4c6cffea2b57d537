using System.Management.Automation;
using System.Security;
using HiApi.Client;
using HiApi.Video.Infrastructure;
using HiApi.Video.Mock;

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

    // PowerShell builds a cmdlet on the thread that then runs its Begin/Process/EndProcessing.
    private readonly int _pipelineThreadId = Environment.CurrentManagedThreadId;

    /// <summary>
    /// The HiAPI key: a SecureString (or Get-Secret), or a plain string (less safe: it stays readable in memory and
    /// history). Defaults to $env:HIAPI_API_KEY, then $env:HIAPI_KEY.
    /// </summary>
    [Parameter]
    [ValidateNotNull]
    [SecureStringTransformation]
    public SecureString? ApiKey { get; set; }

    /// <summary>The API root. Defaults to $env:HIAPI_BASE_URL, then https://api.hiapi.ai.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? BaseUri { get; set; }

    /// <summary>
    /// The task ledger file. Defaults to $env:HIAPI_LEDGER_PATH, then a file in the user's local data folder. Either
    /// is resolved against the PowerShell location (with ~ as the home folder), not the process's directory.
    /// </summary>
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
    protected HiApiSession Session => _session ??= new HiApiSession(() => Client, Ledger, warn: WarnFromClient);

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

    /// <summary>
    /// The ledger alone (null when switched off), for work that needs no key, such as checking a callback. -LedgerPath
    /// and $env:HIAPI_LEDGER_PATH go through the same PowerShell path resolution; what the ledger has to say (skipped
    /// lines, a newer format) comes out as one warning per command. While Start-HiApiMock runs, the stand-in's ledger
    /// unless -LedgerPath is given: the user's real ledger is never touched.
    /// </summary>
    protected TaskLedger? Ledger => (_ledger ??= new Lazy<TaskLedger?>(
        () => TaskLedger.Open(LedgerPath ?? MockSession.Current?.LedgerPath, NoLedger.IsPresent,
            resolvePath: path => FileSystemPaths.Resolve(this, path, "a ledger"), options: new LedgerOptions { Warn = WarnFromClient }))).Value;

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

    /// <summary>Waits for client work that returns nothing (see <see cref="Run{T}"/>).</summary>
    protected void Run(Func<CancellationToken, Task> work, Action? onTick = null)
        => Run(async token =>
        {
            await work(token).ConfigureAwait(false);
            return true;
        }, onTick);

    /// <summary>Writes the verbose lines and warnings background work queued since the last tick.</summary>
    protected void FlushMessages() => Runner.Flush(WriteVerbose, WriteWarning);

    /// <summary>
    /// A warning from the client library (session, ledger): written at once when it comes from the pipeline thread, so
    /// a command that never waits on background work (Get-HiApiTask listing the ledger) still shows it; queued for the
    /// next tick when it comes from background work, which may not write.
    /// </summary>
    private void WarnFromClient(string message)
    {
        if (Environment.CurrentManagedThreadId == _pipelineThreadId)
        {
            try
            {
                FlushMessages();
                WriteWarning(message);
                return;
            }
            catch (PSInvalidOperationException)
            {
                // Not inside Begin/Process/EndProcessing after all: queue it like background work does.
            }
        }

        Runner.QueueWarning(message);
    }

    /// <summary>Starts <paramref name="work"/> in <paramref name="queue"/>, first writing finished work while the queue is full.</summary>
    protected void StartQueued<TItem, TResult>(
        BoundedWorkQueue<TItem, TResult> queue, TItem item, Func<CancellationToken, Task<TResult>> work, Action<TItem, TResult> write, Action? onTick = null)
    {
        WaitForRoom(queue, write, onTick);
        queue.Start(item, work, Runner.Token);
        WriteFinished(queue, write);
    }

    /// <summary>Writes finished work while <paramref name="queue"/> is full: returns once one more may start.</summary>
    protected void WaitForRoom<TItem, TResult>(BoundedWorkQueue<TItem, TResult> queue, Action<TItem, TResult> write, Action? onTick = null)
    {
        while (queue.IsFull)
        {
            Run(queue.WaitForCompletionAsync, onTick);
            WriteFinished(queue, write);
        }

        // Ctrl+C cancels the work in flight, and its end can free the room before the wait sees the stop: the next
        // input must not start then (a submission claimed after Ctrl+C would be recorded as sent, and unanswered).
        if (Runner.IsStopping)
        {
            throw new PipelineStoppedException();
        }
    }

    /// <summary>Waits for everything in <paramref name="queue"/>, writing each result as it finishes.</summary>
    protected void DrainQueue<TItem, TResult>(BoundedWorkQueue<TItem, TResult>? queue, Action<TItem, TResult> write, Action? onTick = null)
    {
        while (queue is { Outstanding: > 0 })
        {
            Run(queue.WaitForCompletionAsync, onTick);
            WriteFinished(queue, write);
        }
    }

    /// <summary>
    /// Writes each finished piece of work on this (pipeline) thread: the result, or a non-terminating error that names
    /// the input, so one bad task never stops the others.
    /// </summary>
    protected void WriteFinished<TItem, TResult>(BoundedWorkQueue<TItem, TResult> queue, Action<TItem, TResult> write)
    {
        FlushMessages();
        while (queue.TryTake(out var done))
        {
            switch (done.Error)
            {
                case null:
                    write(done.Item, done.Result!);
                    break;
                case HiApiException failure:
                    WriteFailure(failure, done.Item);
                    break;
                case OperationCanceledException when Runner.IsStopping:
                    break;
                default:
                    // One poisoned task (a value nothing expected) must not stop the others.
                    WriteError(ErrorRecordFactory.Create(done.Error, "Unexpected", ErrorCategory.NotSpecified, ErrorTargetOf(done.Item)));
                    break;
            }
        }
    }

    /// <summary>Writes the error that ended a piece of queued work; a cmdlet may name its input, or fold repeats.</summary>
    protected virtual void WriteFailure(HiApiException failure, object? item) => WriteHiApiError(failure, ErrorTargetOf(item));

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

    /// <summary>Resolves a path against the PowerShell location; a path on another provider's drive ends the command.</summary>
    protected string ResolveFileSystemPath(string path) => FileSystemPaths.Resolve(this, path, "a video");

    private HiApiClient CreateClient() => new(CreateOptions());

    /// <summary>
    /// The client options of this command: -BaseUri (or its default) and the key, with verbose logging. Without
    /// <paramref name="requireKey"/>, a key given nowhere is null; without <paramref name="readKey"/>, the key is not
    /// even looked for (the public price list needs none). A missing required key, an unusable key or an unsafe base
    /// URI ends the command.
    /// </summary>
    protected HiApiClientOptions CreateOptions(bool readKey = true, bool requireKey = true)
    {
        try
        {
            if (MockSession.Current is { } mock)
            {
                return StandInOptions(mock);
            }

            return new HiApiClientOptions
            {
                BaseUri = BaseUriResolver.Resolve(BaseUri),
                ApiKey = !readKey ? null
                    : requireKey ? HiApi.Client.ApiKey.Resolve(ApiKey.ToPlainText())
                    : HiApi.Client.ApiKey.ResolveOptional(ApiKey.ToPlainText()),
                Log = Runner.QueueVerbose,
                Caller = MyInvocation.MyCommand?.Name,
            };
        }
        catch (HiApiException exception)
        {
            ThrowHiApiError(exception);
            throw; // unreachable: ThrowTerminatingError always throws
        }
    }

    /// <summary>
    /// While Start-HiApiMock runs, requests go to the stand-in with its key whatever -BaseUri, -ApiKey or the environment
    /// say: a script under test that names the real API or passes the real key must neither spend nor send it.
    /// </summary>
    private HiApiClientOptions StandInOptions(MockSession mock)
    {
        if (mock.StoppedProblem() is { } problem)
        {
            ThrowTerminatingError(ErrorRecordFactory.Create(new InvalidOperationException(problem), "MockStopped", ErrorCategory.ResourceUnavailable, mock.Server));
        }

        if (BaseUri is not null || ApiKey is not null)
        {
            Runner.QueueVerbose($"Start-HiApiMock is running: -BaseUri and -ApiKey are not used; requests go to the stand-in at {mock.Server.BaseUri}.");
        }

        return new HiApiClientOptions { BaseUri = mock.Server.BaseUri, ApiKey = mock.ApiKey, Log = Runner.QueueVerbose, Caller = MyInvocation.MyCommand?.Name };
    }

    protected static object? ErrorTargetOf(object? item) => item is IErrorTarget job ? job.ErrorTarget : item;

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
        // After a terminating error (-ErrorAction Stop, a downstream Select-Object -First) no work of this command
        // may go on unseen in the background: polls and downloads stop here, as on Ctrl+C.
        Runner.Stop();
        Runner.Dispose();
        GC.SuppressFinalize(this);
    }
}
