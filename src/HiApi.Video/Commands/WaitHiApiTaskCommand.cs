using System.Management.Automation;
using HiApi.Client;

namespace HiApi.Video.Commands;

/// <summary>
/// Wait-HiApiTask: waits for every piped task at once and writes each one the moment it succeeds, so a
/// following Save-HiApiVideo downloads while the others still render. Failures and timeouts are
/// non-terminating errors that carry the task.
/// </summary>
[Cmdlet(VerbsLifecycle.Wait, "HiApiTask", DefaultParameterSetName = TaskSet)]
[OutputType(typeof(HiApiTask))]
public sealed class WaitHiApiTaskCommand : HiApiCommandBase
{
    private const string TaskSet = "Task";
    private const string IdSet = "Id";
    private const int ProgressActivityId = 4711;

    private TaskWaiter? _waiter;

    [Parameter(ParameterSetName = TaskSet, Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public HiApiTask[] InputObject { get; set; } = Array.Empty<HiApiTask>();

    [Parameter(ParameterSetName = IdSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Id")]
    [ValidateNotNullOrEmpty]
    public string[] TaskId { get; set; } = Array.Empty<string>();

    /// <summary>How long to wait for each task, counted from when it reached this cmdlet.</summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int TimeoutSeconds { get; set; } = 600;

    /// <summary>Seconds between two status reads of one task.</summary>
    [Parameter]
    [ValidateRange(0.1, 3600.0)]
    public double PollIntervalSeconds { get; set; } = 5;

    protected override void ProcessRecord()
    {
        var waiter = _waiter ??= new TaskWaiter(Client, new WaitOptions
        {
            Timeout = TimeSpan.FromSeconds(TimeoutSeconds),
            PollInterval = TimeSpan.FromSeconds(PollIntervalSeconds),
        });

        if (ParameterSetName == TaskSet)
        {
            foreach (var task in InputObject)
            {
                waiter.Add(task);
            }
        }
        else
        {
            foreach (var id in TaskId)
            {
                // The ledger knows what was asked for; a bare id still comes back with its prompt and duration.
                waiter.Add(Session.Remember(HiApiTask.FromId(id)));
            }
        }

        // Hand on whatever already finished, without blocking the upstream cmdlet.
        while (waiter.TryRead(out var ready) && ready is not null)
        {
            Emit(ready);
        }
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
            CompleteProgress();
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

    private void WriteWaitProgress(TaskWaiter waiter)
    {
        var progress = waiter.GetProgress();
        if (progress.Total == 0)
        {
            return;
        }

        var counts = string.Join(", ", progress.CountsByStatus
            .Where(pair => pair.Value > 0)
            .Select(pair => $"{pair.Value} {pair.Key.ToString().ToLowerInvariant()}"));
        WriteProgress(new ProgressRecord(ProgressActivityId, "Waiting for HiAPI tasks", $"{progress.Finished} of {progress.Total} done: {counts}")
        {
            PercentComplete = progress.Finished * 100 / progress.Total,
        });
    }

    private void CompleteProgress()
        => WriteProgress(new ProgressRecord(ProgressActivityId, "Waiting for HiAPI tasks", "Done") { RecordType = ProgressRecordType.Completed });
}
