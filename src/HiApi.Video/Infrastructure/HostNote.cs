using System.Management.Automation;

namespace HiApi.Video.Infrastructure;

/// <summary>
/// Says what a command did when it writes nothing else (no task to list, nothing missing): shown like Write-Host, in the
/// information stream (6) with the tags PSHOST and HiApi, so <c>-InformationAction Ignore</c> silences it and
/// <c>6&gt;&amp;1</c> captures it. Not a warning: nothing is wrong.
/// </summary>
internal static class HostNote
{
    public static void Write(Cmdlet cmdlet, string message)
        => cmdlet.WriteInformation(new HostInformationMessage { Message = message }, ["PSHOST", "HiApi"]);
}
