using System.Management.Automation;
using System.Security;
using HiApi.Client;
using HiApi.Video.Infrastructure;

namespace HiApi.Video.Commands;

/// <summary>
/// Receive-HiApiCallback: listens for HiAPI's webhook POSTs (the client's own small HTTP server), answers 200 at once,
/// and writes each task to the pipeline as its callback arrives, once per task id. The task must be known (piped in,
/// or in the ledger). An unsigned callback is only a hint, re-read with the key before it is written; with a webhook
/// signing key, unsigned or badly signed callbacks are refused with 401 and signed ones are trusted without a GET.
/// Awaited tasks whose callback never comes are polled (swept) after -SweepAfterSeconds.
/// </summary>
[Cmdlet(VerbsCommunications.Receive, "HiApiCallback")]
[OutputType(typeof(HiApiTask))]
public sealed class ReceiveHiApiCallbackCommand : HiApiCommandBase
{
    /// <summary>The place of the current input among all this command was given (typed and piped), as errors name it.</summary>
    private int _inputNumber;

    private const int ProgressActivityId = 4713;
    private const string Activity = "Receiving HiAPI callbacks";
    private static readonly TimeSpan CheckInterval = TimeSpan.FromMilliseconds(500);

    private readonly HashSet<string> _awaited = new(StringComparer.Ordinal);
    private readonly HashSet<string> _finished = new(StringComparer.Ordinal);
    private CallbackListener? _listener;
    private CallbackReceiver? _receiver;
    private int _written;
    private bool _progressShown;

    /// <summary>Prefixes in HttpListener's syntax, e.g. http://+:8080/hooks/hiapi/ (must end with '/').</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string[] Prefix { get; set; } = Array.Empty<string>();

    /// <summary>
    /// Tasks to expect, the same way every cmdlet takes them: task objects, task ids, or objects with a TaskId
    /// property. Expected tasks are known for verification, and swept if their callback does not come.
    /// </summary>
    [Parameter(ValueFromPipeline = true)]
    [Alias("TaskId", "Id", "InputObject")]
    [ArgumentCompleter(typeof(TaskIdCompleter))]
    public PSObject[] Task { get; set; } = Array.Empty<PSObject>();

    /// <summary>Also expect every unfinished task of the ledger.</summary>
    [Parameter]
    public SwitchParameter Pending { get; set; }

    /// <summary>Stop after this many tasks have finished (succeeded or failed).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Count { get; set; }

    /// <summary>Stop listening after this many seconds; expected tasks still unfinished are reported.</summary>
    [Parameter]
    [ValidateRange(1, 604800)]
    public int TimeoutSeconds { get; set; }

    /// <summary>Poll an expected task whose callback has not come this long after its submission (seed 003: 10 minutes).</summary>
    [Parameter]
    [ValidateRange(0.1, 86400.0)]
    [PlainNumber]
    public double SweepAfterSeconds { get; set; } = 600;

    /// <summary>After the first sweep, poll this often until the task is final.</summary>
    [Parameter]
    [ValidateRange(0.1, 86400.0)]
    [PlainNumber]
    public double SweepIntervalSeconds { get; set; } = 60;

    /// <summary>Bodies larger than this are refused with 413; a task is a few hundred bytes.</summary>
    [Parameter]
    [ValidateRange(1024, 64 * 1024 * 1024)]
    [PlainNumber(Whole = true)]
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>The webhook signing key set in the HiAPI console. Defaults to $env:HIAPI_WEBHOOK_SECRET.</summary>
    [Parameter]
    [ValidateNotNull]
    [SecureStringTransformation]
    public SecureString? WebhookSecret { get; set; }

    private DateTimeOffset? Deadline { get; set; }

    protected override void BeginProcessing()
    {
        Deadline = TimeoutSeconds > 0 ? DateTimeOffset.UtcNow.AddSeconds(TimeoutSeconds) : null;
        var secret = ResolveWebhookSecret(WebhookSecret);
        _ = Ledger; // its path is resolved against the PowerShell location, which only this thread may read
        try
        {
            // A malformed prefix, or one the OS will not let us bind, ends the command with HiApi.Configuration.
            _listener = new CallbackListener(new CallbackListenerOptions { Prefixes = Prefix, MaxBodyBytes = MaxBodyBytes, WebhookSecret = secret });
            _receiver = new CallbackReceiver(Client, _listener, LookUpKnownTask, new CallbackReceiverOptions
            {
                SweepAfter = TimeSpan.FromSeconds(SweepAfterSeconds),
                SweepInterval = TimeSpan.FromSeconds(SweepIntervalSeconds),
            });
            _receiver.Start();
        }
        catch (HiApiException cannotListen)
        {
            ThrowHiApiError(cannotListen, Prefix);
        }

        WriteVerbose(secret is null
            ? $"Listening on {string.Join(", ", Prefix)}; callbacks are unsigned, so each is verified with a GET."
            : $"Listening on {string.Join(", ", Prefix)}; only callbacks signed with the webhook signing key are accepted.");
        if (Pending)
        {
            var now = DateTimeOffset.UtcNow;
            foreach (var task in Session.GetPending().Where(task => HiApiSession.CheckExpired(task, now) is null))
            {
                Expect(task);
            }
        }
    }

    protected override void ProcessRecord()
    {
        foreach (var input in Task)
        {
            if (TaskInput.Resolve(input, ++_inputNumber, out var problem) is not { } task)
            {
                WriteError(Infrastructure.ErrorRecordFactory.Create(new ArgumentException(problem), "InvalidTaskInput", ErrorCategory.InvalidArgument, input));
                continue;
            }

            Expect(task);
        }

        while (!IsDone() && _receiver!.TryRead(out var ready) && ready is not null)
        {
            Emit(ready);
        }
    }

    protected override void EndProcessing()
    {
        try
        {
            while (!IsDone())
            {
                var wait = Deadline is { } deadline ? Min(deadline - DateTimeOffset.UtcNow, CheckInterval) : CheckInterval;
                if (wait <= TimeSpan.Zero)
                {
                    ReportKeptCallbacks();
                    ReportUnfinished();
                    return;
                }

                ShowListening();
                if (Run(token => NextEventAsync(wait, token)) is { } next)
                {
                    Emit(next);
                }
            }

            ReportKeptCallbacks();
        }
        finally
        {
            if (_progressShown)
            {
                WriteProgress(new ProgressRecord(ProgressActivityId, Activity, "Done") { RecordType = ProgressRecordType.Completed });
            }
        }
    }

    /// <summary>Callbacks kept for an id not (yet) known are reported as the listening ends, not dropped in silence.</summary>
    private void ReportKeptCallbacks()
    {
        _receiver!.ReportKeptCallbacks();
        while (_receiver.TryRead(out var callbackEvent) && callbackEvent is not null)
        {
            if (callbackEvent.Kind == CallbackEventKind.Ignored || !IsDone())
            {
                Emit(callbackEvent); // past -Count, a task's event is left for a later run, as before
            }
        }
    }

    /// <summary>A listener that only waits would look hung: say where it listens, what it has, and how it ends.</summary>
    private void ShowListening()
    {
        var prefixes = string.Join(", ", Prefix);
        var status = _awaited.Count > 0
            ? $"{_finished.Count} of {_awaited.Count} task(s) finished; listening on {prefixes}"
            : $"{_written} task(s) received; listening on {prefixes}" + (Count > 0 || Deadline is not null ? string.Empty : " until Ctrl+C");
        var record = new ProgressRecord(ProgressActivityId, Activity, status);
        if (_awaited.Count > 0)
        {
            record.PercentComplete = Math.Min(100, 100 * _finished.Count / _awaited.Count);
        }
        else if (Count > 0)
        {
            record.PercentComplete = Math.Min(100, 100 * _written / Count);
        }

        if (Deadline is { } deadline)
        {
            record.SecondsRemaining = Math.Max(0, (int)Math.Ceiling((deadline - DateTimeOffset.UtcNow).TotalSeconds));
        }

        WriteProgress(record);
        _progressShown = true;
    }

    protected override void ReleaseResources()
    {
        _receiver?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _listener?.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Only ids this user submitted count: the ledger's, besides the tasks piped in.</summary>
    private HiApiTask? LookUpKnownTask(string taskId)
        => Ledger is { } ledger && ledger.Contains(taskId) ? Session.Remember(HiApiTask.FromId(taskId)) : null;

    private void Expect(HiApiTask task)
    {
        if (_awaited.Add(task.TaskId))
        {
            _receiver!.Await(Session.Remember(task));
        }
    }

    /// <summary>Done at -Count, or when every expected task has finished (without expected tasks: at the timeout or Ctrl+C).</summary>
    private bool IsDone()
        => (Count > 0 && _written >= Count) || (Count == 0 && _awaited.Count > 0 && _finished.IsSupersetOf(_awaited));

    private async Task<CallbackEvent?> NextEventAsync(TimeSpan wait, CancellationToken stopping)
    {
        using var slice = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        slice.CancelAfter(wait);
        try
        {
            return await _receiver!.ReadAsync(slice.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return null; // a time slice ended: check -Count and the deadline again
        }
    }

    private void Emit(CallbackEvent callbackEvent)
    {
        if (callbackEvent.Kind == CallbackEventKind.Ignored)
        {
            // Unknown or malformed is worth a warning (it may be an attack); a duplicate is routine.
            if (callbackEvent.Task is null)
            {
                WriteWarning(callbackEvent.Note ?? "A callback was ignored.");
            }
            else
            {
                WriteVerbose(callbackEvent.Note ?? "A callback was ignored.");
            }

            return;
        }

        if (callbackEvent.Task is { } task)
        {
            Session.RecordStatus(task);
            _finished.Add(task.TaskId);
        }
        else if (callbackEvent.TaskId is { } taskId)
        {
            _finished.Add(taskId);
        }

        _written++;
        WriteVerbose(callbackEvent.ToString());
        if (callbackEvent.Kind == CallbackEventKind.Succeeded && callbackEvent.Task is not null)
        {
            WriteObject(callbackEvent.Task);
        }
        else if (callbackEvent.Error is { } error)
        {
            WriteHiApiError(error, callbackEvent.Task);
        }
    }

    private void ReportUnfinished()
    {
        foreach (var taskId in _awaited.Except(_finished))
        {
            var stillWaiting = new TimeoutException(
                $"Receive-HiApiCallback stopped after {TimeoutSeconds} s before task {taskId} finished; it is still in the ledger (Get-HiApiTask -Pending).");
            WriteError(Infrastructure.ErrorRecordFactory.Create(stillWaiting, "Timeout", ErrorCategory.OperationTimeout, taskId));
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
