using System.Management.Automation;
using HiApi.Client;
using HiApi.Video.Infrastructure;

namespace HiApi.Video.Commands;

/// <summary>
/// Get-HiApiSubmission: the paid submissions the task ledger holds (written before each POST), with their batch, input
/// number, idempotency key and outcome, read from the ledger alone (no request, no key needed). With -Unresolved, only
/// those that never got an answer: HiAPI may have created their tasks. Piped to New-HiApiVideoTask, each is sent again
/// with its own key and body, which settles it without paying twice.
/// </summary>
[Cmdlet(VerbsCommon.Get, "HiApiSubmission")]
[OutputType(typeof(LedgerSubmission))]
public sealed class GetHiApiSubmissionCommand : HiApiCommandBase
{
    /// <summary>Only the submissions of this batch (wildcards allowed).</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string? Batch { get; set; }

    /// <summary>Only the submissions sent and never answered (HiAPI may have created their tasks).</summary>
    [Parameter]
    public SwitchParameter Unresolved { get; set; }

    protected override void EndProcessing()
    {
        if (Ledger is not { } ledger)
        {
            WriteWarning("There is no task ledger to read (-NoLedger or HIAPI_LEDGER=off): no submissions are known.");
            return;
        }

        var pattern = Batch is null ? null : new WildcardPattern(Batch, WildcardOptions.IgnoreCase);
        IReadOnlyList<LedgerSubmission> submissions;
        try
        {
            submissions = ledger.GetSubmissions();
        }
        catch (Exception unreadable) when (unreadable is IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(ErrorRecordFactory.Create(unreadable, "FileSystem", ErrorCategory.ReadError, ledger.Path));
            return;
        }

        var written = 0;
        foreach (var submission in submissions)
        {
            if ((Unresolved.IsPresent && !submission.IsUnresolved) || (pattern is not null && !pattern.IsMatch(submission.Batch ?? string.Empty)))
            {
                continue;
            }

            WriteObject(submission);
            written++;
        }

        if (written == 0)
        {
            WriteInformation(new InformationRecord(
                $"No {(Unresolved.IsPresent ? "unresolved " : "")}submissions{(Batch is null ? "" : $" of batch '{Batch}'")} in the task ledger ({ledger.Path}).",
                "Get-HiApiSubmission"), ["HiApi"]);
        }
    }
}
