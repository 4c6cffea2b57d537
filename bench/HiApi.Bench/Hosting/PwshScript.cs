using System.Diagnostics;
using HiApi.Client;

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
        var startInfo = new ProcessStartInfo(ChildProcesses.DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryLayout.Root,
        };
        foreach (var argument in new[] { "tool", "run", "pwsh", "--", "-NoProfile", "-NonInteractive", "-File", Path.Combine(RepositoryLayout.Root, "bench", "scripts", script) })
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment[ApiKey.PrimaryEnvironmentVariable] = EmulatorProcess.ApiKey;
        startInfo.Environment.Remove(ApiKey.SecondaryEnvironmentVariable);

        using var process = ChildProcesses.Start(startInfo);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            ChildProcesses.Kill(process);
            ct.ThrowIfCancellationRequested();
            throw new TimeoutException($"pwsh {script} did not finish within {timeout.TotalMinutes:0} min.");
        }

        ChildProcesses.Forget(process);
        var output = await stdout;
        var errors = await stderr;
        var last = output.Split('\n').Select(line => line.Trim()).LastOrDefault(line => line.Length > 0);
        if (process.ExitCode != 0 || last is null)
        {
            throw new InvalidOperationException($"pwsh {script} failed (exit code {process.ExitCode}).{Environment.NewLine}{errors}{output}");
        }

        return last;
    }
}
