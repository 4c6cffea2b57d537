using System.Management.Automation;
using HiApi.Client;
using HiApi.Video.Infrastructure;

namespace HiApi.Video.Commands;

/// <summary>
/// ConvertFrom-HiApiCallback: turns a webhook body HiAPI POSTed (wrapped in {code,data} or bare) into a task
/// object, for users who receive callbacks in their own web framework. Callbacks are unsigned: -Verify re-reads
/// the task from the API, and only for a task id the ledger knows, before anyone trusts its URL.
/// </summary>
[Cmdlet(VerbsData.ConvertFrom, "HiApiCallback")]
[OutputType(typeof(HiApiTask))]
public sealed class ConvertFromHiApiCallbackCommand : HiApiCommandBase
{
    /// <summary>The body: JSON text, bytes, a stream, an HttpListener request, or the framework's parsed object.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public object? Body { get; set; }

    /// <summary>Confirm with GET /v1/tasks/{id} (using the key) for a task id the ledger knows; the body's own fields are not trusted.</summary>
    [Parameter]
    public SwitchParameter Verify { get; set; }

    /// <summary>Refuse bodies larger than this; a task is a few hundred bytes.</summary>
    [Parameter]
    [ValidateRange(1024, 64 * 1024 * 1024)]
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    protected override void ProcessRecord()
    {
        HiApiTask claimed;
        try
        {
            claimed = CallbackParser.Parse(CallbackBodyReader.ReadUtf8(Body, MaxBodyBytes));
        }
        catch (ArgumentException unreadable)
        {
            WriteError(ErrorRecordFactory.Create(unreadable, "InvalidCallbackBody", ErrorCategory.InvalidData, Body));
            return;
        }
        catch (HiApiException malformed)
        {
            WriteHiApiError(malformed, Body);
            return;
        }

        if (!Verify)
        {
            WriteObject(Ledger is null ? claimed : Session.Remember(claimed));
            return;
        }

        if (!IsKnownTask(claimed.TaskId))
        {
            var unknown = new InvalidOperationException(
                $"Callback for task {claimed.TaskId} ignored: the task ledger does not know it (a forged or foreign callback). Nothing was fetched.");
            WriteError(ErrorRecordFactory.Create(unknown, "UnknownCallbackTask", ErrorCategory.SecurityError, claimed.TaskId));
            return;
        }

        try
        {
            WriteObject(Run(token => OnlineSession.GetAsync(claimed.TaskId, token)));
        }
        catch (HiApiException failure)
        {
            WriteHiApiError(failure, claimed.TaskId);
        }
    }

    /// <summary>A ledger that cannot be read knows nothing: the callback is refused, never trusted.</summary>
    private bool IsKnownTask(string taskId)
    {
        try
        {
            return Ledger is { } ledger && ledger.Contains(taskId);
        }
        catch (IOException unreadable)
        {
            WriteWarning($"The task ledger could not be read ({unreadable.Message}); the callback for {taskId} is refused.");
            return false;
        }
    }
}
