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
    public void OnImport() => _ = typeof(HiApiTaskFactory).Assembly;
}
