using System.Diagnostics;

namespace HiApi.Bench.Hosting;

/// <summary>
/// Runs a script of bench/scripts in a real pwsh, the local .NET tool of the repository (`dotnet tool run pwsh`),
/// as a user would run the module. The key reaches the script through the environment, never the command line;
/// the script's last line of output is its JSON result.
/// </summary>
internal static class PwshScript
{
    public static async Task<string> RunAsync(string script, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken ct)
    {
        var startInfo = new ProcessStartInfo(ChildProcesses.DotnetHost) { WorkingDirectory = RepositoryLayout.Root };
        foreach (var argument in new[] { "tool", "run", "pwsh", "--", "-NoProfile", "-NonInteractive", "-File", Path.Combine(RepositoryLayout.Root, "bench", "scripts", script) }.Concat(arguments))
        {
            startInfo.ArgumentList.Add(argument);
        }

        var (exitCode, output, errors) = await ProcessRun.RunAsync(startInfo, $"pwsh {script}", timeout, ct);
        var last = output.Split('\n').Select(line => line.Trim()).LastOrDefault(line => line.Length > 0);
        if (exitCode != 0 || last is null)
        {
            throw new InvalidOperationException($"pwsh {script} failed (exit code {exitCode}).{Environment.NewLine}{errors}{output}");
        }

        return last;
    }
}
