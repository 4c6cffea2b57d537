using System.Management.Automation;
using HiApi.Client;
using HiApi.Video.Infrastructure;

namespace HiApi.Video.Commands;

/// <summary>
/// Remove-HiApiTask: forgets tasks in the local task ledger, like Remove-Job: they are no longer listed by Get-HiApiTask
/// or pending for -Pending. HiAPI has no cancel, so a task that has not finished still runs and is still paid for; the
/// cmdlet says so. The ledger keeps the forgotten task's key, so a run of its batch hands it back rather than paying
/// again. Sends no request. An unanswered submission is not forgotten: it is the only record that HiAPI may have
/// created (and charged) a task, and forgetting it could make a later run pay twice.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "HiApiTask", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
public sealed class RemoveHiApiTaskCommand : HiApiCommandBase
{
    /// <summary>The place of the current input among all this command was given (typed and piped), as errors name it.</summary>
    private int _inputNumber;

    private int _stillRunning;

    /// <summary>Tasks to forget: task objects, task ids, or objects with a TaskId property.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [Alias("TaskId", "Id", "InputObject")]
    [ArgumentCompleter(typeof(TaskIdCompleter))]
    public PSObject[] Task { get; set; } = Array.Empty<PSObject>();

    protected override void BeginProcessing()
    {
        if (Ledger is null)
        {
            ThrowTerminatingError(ErrorRecordFactory.Create(
                new InvalidOperationException("There is no task ledger to forget tasks in (-NoLedger, or $env:HIAPI_LEDGER = 'off'); nothing was changed. " +
                    "Remove-HiApiTask only forgets tasks in the ledger: HiAPI has no cancel."),
                "NoLedger",
                ErrorCategory.InvalidOperation,
                null));
        }
    }

    protected override void ProcessRecord()
    {
        foreach (var input in Task)
        {
            _inputNumber++;
            if (input?.BaseObject is LedgerSubmission { TaskId: null } submission)
            {
                WriteError(submission.IsUnresolved
                    ? ErrorRecordFactory.Create(new InvalidOperationException(UnresolvedSubmission(submission)), "SubmissionNotForgotten", ErrorCategory.InvalidOperation, submission)
                    : ErrorRecordFactory.Create(
                        new ArgumentException($"The submission with Idempotency-Key {submission.IdempotencyKey} created no task ({submission.Status}), so there is no task to forget; nothing was changed."),
                        "InvalidTaskInput", ErrorCategory.InvalidArgument, submission));
                continue;
            }

            if (TaskInput.Resolve(input, _inputNumber, out var problem) is not { } task)
            {
                WriteError(ErrorRecordFactory.Create(new ArgumentException(problem), "InvalidTaskInput", ErrorCategory.InvalidArgument, input));
                continue;
            }

            Forget(task.TaskId, input);
        }
    }

    protected override void EndProcessing()
    {
        if (_stillRunning > 0)
        {
            // What the ledger last saw: a task may have finished since, but forgetting never stopped one that had not.
            var which = _stillRunning == 1
                ? "the forgotten task had not finished when last seen, and forgetting it does not stop it: it runs on HiAPI and is paid for all the same"
                : $"{_stillRunning} of the forgotten tasks had not finished when last seen, and forgetting them does not stop them: they run on HiAPI and are paid for all the same";
            WriteWarning($"HiAPI has no cancel: {which}. Get-HiApiTask -Task <id> still reads a forgotten task, and Save-HiApiVideo still saves its video.");
        }
    }

    private void Forget(string taskId, object? input)
    {
        var ledger = Ledger!;
        LedgerEntry? known;
        try
        {
            known = ledger.Find(taskId);
        }
        catch (Exception unreadable) when (unreadable is IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(ErrorRecordFactory.Create(unreadable, "FileSystem", ErrorCategory.ReadError, ledger.Path));
            return;
        }

        if (known is null)
        {
            WriteError(ErrorRecordFactory.Create(
                new ItemNotFoundException($"Task {taskId} is not in the task ledger '{ledger.Path}', so there is nothing to forget; nothing was changed."),
                "TaskNotInLedger",
                ErrorCategory.ObjectNotFound,
                input));
            return;
        }

        if (known.IsForgotten)
        {
            WriteWarning($"Task {taskId} was already forgotten (on {UtcText.Minutes(known.ForgottenAt!.Value)}); nothing was changed.");
            return;
        }

        if (!ShouldProcess($"{taskId} ({Describe(known)})", ForgetAction(known)))
        {
            return;
        }

        try
        {
            Session.Forget(taskId);
        }
        catch (HiApiException unrecorded)
        {
            WriteHiApiError(unrecorded, input);
            return;
        }

        WriteVerbose($"{taskId}: forgotten in the task ledger.");
        if (!known.IsTerminal)
        {
            _stillRunning++;
        }
    }

    /// <summary>What is given up with the task, in the words of -WhatIf and -Confirm.</summary>
    private static string ForgetAction(LedgerEntry known) => known switch
    {
        { IsTerminal: false } => "Forget the task in the local task ledger. HiAPI has no cancel: the task still runs and is still paid for",
        { IsPending: true } => "Forget the task in the local task ledger; its video, never saved, is no longer pending",
        _ => "Forget the task in the local task ledger",
    };

    private static string Describe(LedgerEntry known)
    {
        var status = known.Status ?? "status unknown";
        var what = known.Prompt is { Length: > 0 } prompt ? $", '{TextPreview.Shorten(prompt, 40)}'" : string.Empty;
        return (known.IsSaved ? $"{status}, saved" : status) + what;
    }

    private static string UnresolvedSubmission(LedgerSubmission submission) =>
        $"The submission with Idempotency-Key {submission.IdempotencyKey}{(submission.Batch is null ? "" : $" (batch '{submission.Batch}', input {submission.InputNumber})")} " +
        "never got an answer, so HiAPI may have created and charged its task; it is not forgotten, because it is the only record of that task and " +
        "forgetting it could make a later run pay twice. Settle it: Get-HiApiSubmission -Unresolved | New-HiApiVideoTask (within about 24 hours of " +
        "sending), or Get-HiApiTask -Reconcile after that; then forget its task.";
}
