using System.Management.Automation;
using HiApi.Client;

namespace HiApi.Video.Infrastructure;

/// <summary>
/// Runs when the module is imported: loads HiApi.Client, so its public types (<c>[HiApi.Client.HiApiTaskFactory]</c> for a
/// Pester <c>Mock</c>, the task type) resolve in a script before any cmdlet has run. In the manifest's RequiredAssemblies
/// they would be loaded before the build check, and an unbuilt clone would fail with "could not load file" instead of
/// saying to build first. The stand-in's assembly loads with Start-HiApiMock, when it is needed.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer
{
    public void OnImport()
    {
        _ = typeof(HiApiTaskFactory).Assembly;
        RehydrateStatuses();
    }

    /// <summary>
    /// A task written with Export-Clixml and read back with Import-Clixml keeps its Status as the enum (shown as
    /// "Success"), not the bare number PowerShell rebuilds an unknown enum as. Type data, not a types file: the manifest
    /// loads no types file (an unbuilt clone would fail on it before saying to build first).
    /// </summary>
    private static void RehydrateStatuses()
    {
        try
        {
            using var update = PowerShell.Create(RunspaceMode.CurrentRunspace);
            update.AddCommand("Microsoft.PowerShell.Utility\\Update-TypeData")
                .AddParameter("TypeName", "Deserialized." + typeof(HiApiTaskStatus).FullName)
                .AddParameter("TargetTypeForDeserialization", typeof(HiApiTaskStatus))
                .AddParameter("Force")
                .Invoke();
        }
        catch (Exception notInARunspace) when (notInARunspace is InvalidOperationException or PSInvalidOperationException or RuntimeException)
        {
            // Imported outside a runspace's pipeline (a host that loads the assembly itself): only the round trip is lost.
        }
    }
}
