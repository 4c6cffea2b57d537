using System.Management.Automation;
using HiApi.Client;

namespace HiApi.Video.Commands;

/// <summary>
/// Get-HiApiTask: the current state of each task, read with GET /v1/tasks/{taskId}. With -Pending, the
/// ledger's unfinished work instead (not finished, or finished but never saved), to resume after a crash.
/// </summary>
[Cmdlet(VerbsCommon.Get, "HiApiTask", DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(HiApiTask))]
public sealed class GetHiApiTaskCommand : HiApiCommandBase
{
    private const string ByIdSet = "ById";
    private const string PendingSet = "Pending";

    [Parameter(ParameterSetName = ByIdSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Id")]
    [ValidateNotNullOrEmpty]
    public string[] TaskId { get; set; } = Array.Empty<string>();

    /// <summary>List the ledger's unfinished tasks, refreshed from the API; expired videos are reported as errors.</summary>
    [Parameter(ParameterSetName = PendingSet, Mandatory = true)]
    public SwitchParameter Pending { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == PendingSet)
        {
            WritePending();
            return;
        }

        foreach (var id in TaskId)
        {
            WriteFresh(id);
        }
    }

    private void WritePending()
    {
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

            WriteFresh(known.TaskId);
        }
    }

    private void WriteFresh(string id)
    {
        try
        {
            WriteObject(Run(token => OnlineSession.GetAsync(id, token)));
        }
        catch (HiApiException failure)
        {
            WriteHiApiError(failure, id);
        }
    }
}
