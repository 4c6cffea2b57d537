using System.Diagnostics;
using HiApi.Client;

namespace HiApi.Bench.Hosting;

/// <summary>
/// Runs a process the harness starts for a measurement (its own child, or pwsh) to the end: the emulator's key in its
/// environment (never on the command line), both streams read, killed at the deadline or on cancellation.
/// </summary>
internal static class ProcessRun
{
    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(
        ProcessStartInfo startInfo, string description, TimeSpan timeout, CancellationToken ct)
    {
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.UseShellExecute = false;
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
            throw new TimeoutException($"{description} did not finish within {timeout.TotalSeconds:0} s.");
        }

        ChildProcesses.Forget(process);
        return (process.ExitCode, await stdout, await stderr);
    }
}
