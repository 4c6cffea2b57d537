using System.Management.Automation;
using HiApi.Client;
using HiApi.Video.Infrastructure;
using HiApi.Video.Mock;

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
    /// <summary>The place of the current input among all this command was given (typed and piped), as errors name it.</summary>
    private int _inputNumber;

    private const string LedgerSet = "Ledger";
    private const string ByTaskSet = "ByTask";
    private const string PendingSet = "Pending";
    private const string ReconcileSet = "Reconcile";

    /// <summary>How many tasks are read at once (each read is one round trip).</summary>
    private const int ConcurrentReads = 8;

    private BoundedWorkQueue<object, HiApiTask>? _reads;
    private QueueProgress? _progress;

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

        if (!MyInvocation.ExpectingInput)
        {
            // Typed on the command line: how many there are is known.
            Reading.Total = Task.Length;
        }

        foreach (var input in Task)
        {
            if (TaskInput.Resolve(input, ++_inputNumber, out var problem) is not { } task)
            {
                WriteError(ErrorRecordFactory.Create(new ArgumentException(problem), "InvalidTaskInput", ErrorCategory.InvalidArgument, input));
                continue;
            }

            Read(task.TaskId, input);
        }
    }

    protected override void EndProcessing() => DrainReads();

    /// <summary>
    /// What the ledger knows, without a request: recent tasks first in, newest last (like Get-Job). Each task carries when
    /// its status was last seen (RetrievedAt), and the view says how old an unfinished one is: the listing never passes an
    /// old status off as current. Tasks forgotten with Remove-HiApiTask are not listed.
    /// </summary>
    private void WriteLedgerTasks()
    {
        if (!LedgerToRead("list"))
        {
            return;
        }

        var tasks = Session.GetKnownTasks();
        foreach (var task in tasks)
        {
            WriteObject(task);
        }

        if (tasks.Count == 0)
        {
            HostNote.Write(this, $"The task ledger '{Ledger!.Path}' lists no tasks.");
        }

        WarnAboutUnresolved();
    }

    private void WritePending()
    {
        if (!LedgerToRead("refresh"))
        {
            return;
        }

        WarnAboutUnresolved();
        var pending = Session.GetPending();
        WriteVerbose($"The ledger holds {pending.Count} unfinished task(s).");
        if (pending.Count == 0)
        {
            HostNote.Write(this, $"Nothing is pending in the task ledger '{Ledger!.Path}': no task is unfinished, and no video is waiting to be saved.");
            return;
        }

        var now = DateTimeOffset.UtcNow;
        var reads = pending.Where(known => HiApiSession.CheckExpired(known, now) is null).ToArray();
        Reading.Total = reads.Length;
        foreach (var known in pending)
        {
            if (Session.ReportExpired(known, now) is { } expired)
            {
                // Say it plainly, once: this paid video can no longer be downloaded. Then it is lost, not pending.
                WriteHiApiError(expired, known);
                continue;
            }

            Read(known.TaskId, known);
        }

        DrainReads();
    }

    /// <summary>
    /// Whether there is a ledger to <paramref name="verb"/> tasks from. Without one (switched off), or when its file does
    /// not exist, says so instead of writing nothing: a listing that is silent looks like an empty ledger.
    /// </summary>
    private bool LedgerToRead(string verb)
    {
        if (Ledger is not { } ledger)
        {
            var why = NoLedger.IsPresent
                ? "-NoLedger was given"
                : $"$env:{TaskLedger.DisableEnvironmentVariable} is '{Environment.GetEnvironmentVariable(TaskLedger.DisableEnvironmentVariable)}'";
            WriteWarning($"There is no task ledger to {verb} tasks from ({why}), so nothing was read. " +
                "To read tasks from HiAPI, name them: Get-HiApiTask -Task <id>; or use the ledger (leave -NoLedger out, or give -LedgerPath).");
            return false;
        }

        if (File.Exists(ledger.Path))
        {
            return true;
        }

        var named = LedgerPath is not null ? "-LedgerPath"
            : Environment.GetEnvironmentVariable(TaskLedger.PathEnvironmentVariable) is { Length: > 0 } ? "$env:" + TaskLedger.PathEnvironmentVariable
            : null;
        // The stand-in's own ledger (its HIAPI_LEDGER_PATH) is made on first use: not finding it is no mistake.
        if (LedgerPath is not null || (named is not null && MockSession.Current is null))
        {
            WriteWarning($"The task ledger '{ledger.Path}' does not exist, so there are no tasks to {verb}: nothing was ever recorded there. Check {named}.");
        }
        else
        {
            HostNote.Write(this, $"No task has been recorded yet: the task ledger '{ledger.Path}' does not exist.");
        }

        return false;
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
        if (Ledger is null)
        {
            WriteWarning("-Reconcile records the account's tasks that the task ledger lacks; there is no ledger (-NoLedger or $env:HIAPI_LEDGER = 'off'), " +
                "so nothing was read. Leave -NoLedger out, or give -LedgerPath.");
            return;
        }

        var session = OnlineSession;
        var since = Since is { } given ? new DateTimeOffset(given.ToUniversalTime(), TimeSpan.Zero) : session.DefaultReconcileSince(DateTimeOffset.UtcNow);
        WriteVerbose($"Listing the account's tasks created since {since.ToUniversalTime():yyyy-MM-dd HH:mm} UTC.");
        try
        {
            var found = Run(token => session.ReconcileAsync(since, ct: token));
            foreach (var task in found)
            {
                WriteObject(task);
            }

            if (found.Count == 0)
            {
                HostNote.Write(this, $"0 tasks were missing from the ledger: it already knew every task HiAPI lists as created since {UtcText.Minutes(since)}.");
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
        var reads = _reads ??= new BoundedWorkQueue<object, HiApiTask>(ConcurrentReads);
        // Counted as started once there is room: a read waiting for its turn is not in flight.
        WaitForRoom(reads, WriteTask, Reading.Write);
        Reading.Start();
        StartQueued(reads, target, token => Reading.Track(session.GetAsync(taskId, token)), WriteTask, Reading.Write);
    }

    private void DrainReads()
    {
        DrainQueue(_reads, WriteTask, Reading.Write);
        Reading.Complete();
    }

    /// <summary>The bar of the reads: how many were read (of how many, when known), how many are in flight, and the rate.</summary>
    private QueueProgress Reading => _progress ??= new QueueProgress(this, 4714, "Reading HiAPI tasks", "read");

    private void WriteTask(object input, HiApiTask task) => WriteObject(task);
}
