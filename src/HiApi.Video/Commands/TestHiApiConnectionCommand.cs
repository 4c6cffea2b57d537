using System.Management.Automation;
using HiApi.Client;

namespace HiApi.Video.Commands;

/// <summary>
/// Test-HiApiConnection: checks, without spending anything, that HiAPI answers, that the key is accepted (the
/// zero-cost GET /v1/tasks?page=1&amp;size=1), that the public price list is readable and that each model this module
/// submits to is priced. Sends no POST. Without a key, the key is reported as not checked. -Quiet writes $true when
/// every check passed, else $false.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "HiApiConnection")]
[OutputType(typeof(ConnectionReport), typeof(bool))]
public sealed class TestHiApiConnectionCommand : HiApiCommandBase
{
    /// <summary>Write $true when every check passed (a key that was not checked is not a pass), else $false.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void EndProcessing()
    {
        var options = CreateOptions(requireKey: false);
        var report = Run(token => ConnectionTester.RunAsync(options, PriceListCache.Shared, token));
        foreach (var check in report.Checks)
        {
            WriteVerbose($"{check.Name}: {check}");
        }

        WriteObject(Quiet.IsPresent ? report.Passed : report);
    }
}
