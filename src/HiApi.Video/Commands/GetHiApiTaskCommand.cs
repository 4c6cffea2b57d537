using System.Management.Automation;
using HiApi.Client;
using HiApi.Video.Infrastructure;

namespace HiApi.Video.Commands;

/// <summary>
/// Get-HiApiTask: with no argument, the tasks the ledger holds (like Get-Job: no request is made). With tasks or ids,
/// the current state of each, read with GET /v1/tasks/{taskId}. With -Pending, the ledger's unfinished work, after
/// settling every submission whose answer never arrived (re-sent with its idempotency key: never paid twice). With
/// -Reconcile, the account's recent tasks that the ledger lacks, found by listing them and recorded.
/// </summary>
[Cmdlet(VerbsCommon.Get, "HiApiTask", DefaultParameterSetName = LedgerSet)]
[OutputType(typeof(HiApiTask))]
public sealed class GetHiApiTaskCommand : HiApiCommandBase
{
    private const string LedgerSet = "Ledger";
    private const string ByTaskSet = "ByTask";
    private const string PendingSet = "Pending";
    private const string ReconcileSet = "Reconcile";

    /// <summary>How many tasks are read at once (each read is one round trip).</summary>
    private const int ConcurrentReads = 8;

    private BoundedWorkQueue<object, HiApiTask>? _reads;

    /// <summary>Tasks to read: task objects, task ids, or objects with a TaskId property.</summary>
    [Parameter(ParameterSetName = ByTaskSet, Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [Alias("TaskId", "Id", "InputObject")]
    [ArgumentCompleter(typeof(TaskIdCompleter))]
    public PSObject[] Task { get; set; } = Array.Empty<PSObject>();

    /// <summary>
    /// List the ledger's unfinished tasks, refreshed from the API; interrupted submissions are settled first, and
    /// expired videos are reported as errors.
    /// </summary>
    [Parameter(ParameterSetName = PendingSet, Mandatory = true)]
    public SwitchParameter Pending { get; set; }

    /// <summary>
    /// List the account's tasks created since -Since and record the ones the ledger lacks (lost submissions).
    /// -Since alone implies it.
    /// </summary>
    [Parameter(ParameterSetName = ReconcileSet)]
    public SwitchParameter Reconcile { get; set; }

    /// <summary>How far back -Reconcile looks (default: 24 hours ago, the idempotency window); implies -Reconcile.</summary>
    [Parameter(ParameterSetName = ReconcileSet)]
    public DateTime? Since { get; set; }

    protected override void BeginProcessing()
    {
        switch (ParameterSetName)
        {
            case LedgerSet:
                WriteLedgerTasks();
                break;
            case PendingSet:
                WritePending();
                break;
            case ReconcileSet:
                WriteReconciled();
                break;
        }
    }

    protected override void ProcessRecord()
    {
        if (ParameterSetName != ByTaskSet)
        {
            return;
        }

        foreach (var input in Task)
        {
            if (TaskInput.Resolve(input, out var problem) is not { } task)
            {
                WriteError(ErrorRecordFactory.Create(new ArgumentException(problem), "InvalidTaskInput", ErrorCategory.InvalidArgument, input));
                continue;
            }

            Read(task.TaskId, input);
        }
    }

    protected override void EndProcessing() => DrainReads();

    /// <summary>What the ledger knows, without a request: recent tasks first in, newest last (like Get-Job).</summary>
    private void WriteLedgerTasks()
    {
        foreach (var task in Session.GetKnownTasks())
        {
            WriteObject(task);
        }

        var unresolved = Session.GetUnresolvedSubmissions();
        if (unresolved.Count > 0)
        {
            WriteWarning($"{unresolved.Count} submission(s) never got an answer (the process stopped, or the connection was lost, while sending). Run Get-HiApiTask -Pending to settle them: each is sent again with its idempotency key, so nothing is paid twice.");
        }
    }

    private void WritePending()
    {
        var session = OnlineSession;
        foreach (var outcome in Run(token => session.ResolveSubmissionsAsync(token)))
        {
            if (outcome.Task is { } settled)
            {
                WriteVerbose($"Submission {outcome.Submission.IdempotencyKey}: task {settled.TaskId}.");
            }
            else if (outcome.Error is { } error)
            {
                WriteHiApiError(error, outcome.Submission);
            }
        }

        var pending = Session.GetPending();
        WriteVerbose($"The ledger holds {pending.Count} unfinished task(s).");
        var now = DateTimeOffset.UtcNow;
        foreach (var known in pending)
        {
            if (HiApiSession.CheckExpired(known, now) is { } expired)
            {
                // Say it plainly: this paid video can no longer be downloaded.
                WriteHiApiError(expired, known);
                continue;
            }

            Read(known.TaskId, known);
        }

        DrainReads();
    }

    private void WriteReconciled()
    {
        var since = Since is { } given ? new DateTimeOffset(given.ToUniversalTime(), TimeSpan.Zero) : DateTimeOffset.UtcNow - TimeSpan.FromHours(24);
        var session = OnlineSession;
        try
        {
            foreach (var found in Run(token => session.ReconcileAsync(since, ct: token)))
            {
                WriteObject(found);
            }
        }
        catch (HiApiException failure)
        {
            WriteHiApiError(failure);
        }
    }

    /// <summary>Starts a GET; results are written as they arrive, up to <see cref="ConcurrentReads"/> at once.</summary>
    private void Read(string taskId, object target)
    {
        var session = OnlineSession;
        StartQueued(_reads ??= new BoundedWorkQueue<object, HiApiTask>(ConcurrentReads), target, token => session.GetAsync(taskId, token), WriteTask);
    }

    private void DrainReads() => DrainQueue(_reads, WriteTask);

    private void WriteTask(object input, HiApiTask task) => WriteObject(task);
}
