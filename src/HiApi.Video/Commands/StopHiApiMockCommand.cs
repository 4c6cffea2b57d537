using System.Management.Automation;
using HiApi.Video.Mock;

namespace HiApi.Video.Commands;

/// <summary>
/// Stop-HiApiMock: stops the stand-in Start-HiApiMock started, puts HIAPI_BASE_URL, HIAPI_API_KEY, HIAPI_KEY,
/// HIAPI_LEDGER_PATH, HIAPI_LEDGER and HIAPI_WEBHOOK_SECRET back as they were, deletes its temporary ledger, and lets
/// the module talk to the real API again.
/// </summary>
[Cmdlet(VerbsLifecycle.Stop, "HiApiMock")]
[OutputType(typeof(void))]
public sealed class StopHiApiMockCommand : PSCmdlet
{
    protected override void EndProcessing()
    {
        if (MockSession.Current is not { } session)
        {
            WriteWarning("No HiAPI stand-in is running in this process: there is nothing to stop.");
            return;
        }

        var server = session.Server;
        var requests = server.Requests.Count;
        var tasks = server.Tasks.Count;
        session.EndAsync().GetAwaiter().GetResult();
        WriteVerbose($"Stopped the HiAPI stand-in at {server.BaseUri} after {requests} request(s) and {tasks} task(s); " +
            "the module's settings (base URI, key, ledger) are as they were before Start-HiApiMock.");
    }
}
