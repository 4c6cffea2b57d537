using System.Management.Automation;

namespace HiApi.Video.Infrastructure;

/// <summary>
/// Resolves a path against the PowerShell location (not the process directory), like the web cmdlets. A path on
/// another provider's drive (Env:, Variable:, a registry hive) ends the command: writing there would otherwise land in
/// the process's working directory under a strange name.
/// </summary>
internal static class FileSystemPaths
{
    public static string Resolve(PSCmdlet cmdlet, string path, string what)
    {
        var resolved = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out var provider, out _);
        if (!string.Equals(provider.Name, "FileSystem", StringComparison.OrdinalIgnoreCase))
        {
            cmdlet.ThrowTerminatingError(ErrorRecordFactory.Create(
                new ArgumentException($"'{path}' is on the {provider.Name} provider; {what} can only be written to a file system path."),
                "NotFileSystemPath",
                ErrorCategory.InvalidArgument,
                path));
        }

        return resolved;
    }
}
