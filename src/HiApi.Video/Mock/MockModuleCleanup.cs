using System.Management.Automation;

namespace HiApi.Video.Mock;

/// <summary>Remove-Module HiApi.Video ends a stand-in session too, so the environment never keeps pointing at a dead server.</summary>
public sealed class MockModuleCleanup : IModuleAssemblyCleanup
{
    public void OnRemove(PSModuleInfo psModuleInfo) => MockSession.Current?.EndAsync().GetAwaiter().GetResult();
}
