using System.Management.Automation;
using HiApi.Client;
using HiApi.Video.Infrastructure;

namespace HiApi.Video.Commands;

/// <summary>
/// Get-HiApiTask: with no argument, the tasks the ledger holds (like Get-Job: no request is made). With tasks or ids,
/// the current state of each, read with GET /v1/tasks/{taskId}. With -Pending, the ledger's unfinished work, refreshed;
/// submissions whose answer never arrived are reported with what settles them, never sent (a Get never spends money).
/// With -Reconcile, the account's recent tasks that the ledger lacks, found by listing them and recorded.
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
    /// List the ledger's unfinished tasks, refreshed from the API; expired videos are reported as errors, and submissions
    /// that never got an answer are reported with the command that settles them (nothing is sent).
    /// </summary>
    [Parameter(ParameterSetName = PendingSet, Mandatory = true)]
    public SwitchParameter Pending { get; set; }

    /// <summary>
    /// List the account's tasks created since -Since and record the ones the ledger lacks (lost submissions).
    /// -Since alone implies it.
    /// </summary>
    [Parameter(ParameterSetName = ReconcileSet)]
    public SwitchParameter Reconcile { get; set; }

    /// <summary>
    /// How far back -Reconcile looks (default: 24 hours ago, HiAPI's key window, or further back to the oldest submission
    /// that never got an answer); implies -Reconcile.
    /// </summary>
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

        WarnAboutUnresolved();
    }

    private void WritePending()
    {
        WarnAboutUnresolved();
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

    /// <summary>
    /// Submissions sent and never answered: HiAPI may have created and charged a task for each. A Get never sends them
    /// again (that may create a paid task): it says which batches hold them and what settles them.
    /// </summary>
    private void WarnAboutUnresolved()
    {
        foreach (var batch in Session.GetUnresolvedSubmissions().GroupBy(submission => submission.Batch))
        {
            var inputs = batch.Where(submission => submission.InputNumber is not null).Select(submission => submission.InputNumber!.Value).ToArray();
            var which = batch.Key is null ? "Submissions made before batches existed" : $"Batch '{batch.Key}'";
            WriteWarning($"{which}: {batch.Count()} submission(s){(inputs.Length > 0 ? $" (input {string.Join(", ", inputs)})" : "")} " +
                "never got an answer, so HiAPI may have created (and charged) their tasks. Nothing was sent now. To settle them without paying twice, " +
                (batch.Key is null ? "run" : $"run the same command again with -Batch '{batch.Key}' (or -Resume), or") +
                " Get-HiApiSubmission -Unresolved | New-HiApiVideoTask: each is sent again with its own idempotency key.");
        }
    }

    private void WriteReconciled()
    {
        var session = OnlineSession;
        var since = Since is { } given ? new DateTimeOffset(given.ToUniversalTime(), TimeSpan.Zero) : session.DefaultReconcileSince(DateTimeOffset.UtcNow);
        WriteVerbose($"Listing the account's tasks created since {since.ToUniversalTime():yyyy-MM-dd HH:mm} UTC.");
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
