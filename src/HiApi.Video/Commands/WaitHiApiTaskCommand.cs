using System.Management.Automation;
using HiApi.Client;
using HiApi.Video.Infrastructure;
using HiApi.Video.Mock;

namespace HiApi.Video.Commands;

/// <summary>
/// Wait-HiApiTask: waits for every piped task at once and writes each one the moment it succeeds, so a
/// following Save-HiApiVideo downloads while the others still render. Failures and timeouts are
/// non-terminating errors that carry the task.
/// </summary>
[Cmdlet(VerbsLifecycle.Wait, "HiApiTask")]
[OutputType(typeof(HiApiTask))]
public sealed class WaitHiApiTaskCommand : HiApiCommandBase
{
    /// <summary>The place of the current input among all this command was given (typed and piped), as errors name it.</summary>
    private int _inputNumber;

    private const int ProgressActivityId = 4711;
    private const string Activity = "Waiting for HiAPI tasks";

    /// <summary>The host redraws a bar at most this often anyway; tasks can arrive much faster.</summary>
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromMilliseconds(150);

    private TaskWaiter? _waiter;
    private long _progressWrittenAt;
    private bool _progressShown;

    /// <summary>Tasks to wait for: task objects, task ids, or objects with a TaskId property.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [Alias("TaskId", "Id", "InputObject")]
    [ArgumentCompleter(typeof(TaskIdCompleter))]
    public PSObject[] Task { get; set; } = Array.Empty<PSObject>();

    /// <summary>How long to wait for each task, counted from when it reached this cmdlet; requests in flight are cut there too.</summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int TimeoutSeconds { get; set; } = 600;

    /// <summary>Seconds between two status reads of one task (0.1 while Start-HiApiMock runs, unless given).</summary>
    [Parameter]
    [ValidateRange(0.1, 3600.0)]
    [PlainNumber]
    public double PollIntervalSeconds { get; set; } = 5;

    protected override void ProcessRecord()
    {
        var session = Session;
        var waiter = _waiter ??= new TaskWaiter(Client, new WaitOptions
        {
            // Every status a poll finds is recorded, not only the final one: after Ctrl+C the ledger says what was last seen.
            StatusChanged = session.RecordStatus,
            Timeout = TimeSpan.FromSeconds(TimeoutSeconds),
            // A stand-in renders in no time: tests should not wait out the real API's 5 s between reads.
            PollInterval = MockSession.Current is not null && !MyInvocation.BoundParameters.ContainsKey(nameof(PollIntervalSeconds))
                ? MockSession.PollInterval
                : TimeSpan.FromSeconds(PollIntervalSeconds),
        });

        foreach (var input in Task)
        {
            if (TaskInput.Resolve(input, ++_inputNumber, out var problem) is not { } task)
            {
                WriteError(ErrorRecordFactory.Create(new ArgumentException(problem), "InvalidTaskInput", ErrorCategory.InvalidArgument, input));
                continue;
            }

            // The ledger knows what was asked for; a bare id still comes back with its prompt and duration.
            waiter.Add(Session.Remember(task));
        }

        // Hand on whatever already finished, without blocking the upstream cmdlet.
        while (waiter.TryRead(out var ready) && ready is not null)
        {
            Emit(ready);
        }

        // The bar appears with the first task, while an upstream New-HiApiVideoTask is still submitting the others.
        WriteWaitProgress(waiter, throttled: true);
    }

    protected override void EndProcessing()
    {
        if (_waiter is not { } waiter)
        {
            return;
        }

        waiter.CompleteAdding();
        try
        {
            while (Run(token => waiter.ReadAsync(token).AsTask(), () => WriteWaitProgress(waiter)) is { } next)
            {
                Emit(next);
            }
        }
        finally
        {
            if (_progressShown)
            {
                CompleteProgress();
            }
        }
    }

    /// <summary>Stops the background polling loop, also after Ctrl+C.</summary>
    protected override void ReleaseResources()
        => _waiter?.DisposeAsync().AsTask().GetAwaiter().GetResult();

    private void Emit(WaitEvent waitEvent)
    {
        WriteVerbose($"{waitEvent.Task.TaskId}: {waitEvent.Kind} ({waitEvent.Task.StatusText ?? waitEvent.Task.Status.ToString()})");
        Session.RecordStatus(waitEvent.Task);
        if (waitEvent.Kind == WaitEventKind.Succeeded)
        {
            WriteObject(waitEvent.Task);
        }
        else if (waitEvent.Error is { } error)
        {
            WriteHiApiError(error, waitEvent.Task);
        }
    }

    private void WriteWaitProgress(TaskWaiter waiter) => WriteWaitProgress(waiter, throttled: false);

    /// <summary>
    /// "2 of 5 done after 1m05s, 2 handling, 1 queued": what is known, fitted to the console; the seconds left only once a
    /// render time has been measured here (see <see cref="WaitProgress.SecondsRemaining"/>), never a built-in guess.
    /// </summary>
    private void WriteWaitProgress(TaskWaiter waiter, bool throttled)
    {
        if (throttled && _progressWrittenAt != 0 && System.Diagnostics.Stopwatch.GetElapsedTime(_progressWrittenAt) < ProgressEvery)
        {
            return;
        }

        var progress = waiter.GetProgress();
        if (progress.Total == 0)
        {
            return;
        }

        var parts = new List<string> { $"{progress.Finished} of {progress.Total} done after {WaitText.Elapsed(progress.Elapsed)}" };
        // The most advanced first: when they do not all fit, what is nearly done is what a person waits for.
        parts.AddRange(progress.CountsByStatus
            .Where(pair => pair.Value > 0 && pair.Key is not (HiApiTaskStatus.Success or HiApiTaskStatus.Fail))
            .OrderByDescending(pair => pair.Key is HiApiTaskStatus.Unknown ? -1 : (long)pair.Key)
            .Select(pair => $"{pair.Value} {WaitText.Status(pair.Key)}"));
        var secondsRemaining = progress.SecondsRemaining ?? -1;
        WriteProgress(new ProgressRecord(ProgressActivityId, Activity, ProgressText.Fit(Activity, parts, secondsRemaining, ProgressLayout.Of(this)))
        {
            PercentComplete = progress.PercentComplete,
            SecondsRemaining = secondsRemaining,
        });
        _progressWrittenAt = System.Diagnostics.Stopwatch.GetTimestamp();
        _progressShown = true;
    }

    private void CompleteProgress()
        => WriteProgress(new ProgressRecord(ProgressActivityId, Activity, "Done") { RecordType = ProgressRecordType.Completed });
}
