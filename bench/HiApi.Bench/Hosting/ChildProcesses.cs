using System.Collections.Concurrent;
using System.Diagnostics;

namespace HiApi.Bench.Hosting;

/// <summary>
/// Every process the harness starts (the emulator, its own children, curl), so that all of them are killed when
/// the harness ends for any reason: normal exit, an exception, Ctrl+C or SIGTERM. A benchmark that leaves an
/// emulator behind poisons the next run's figures.
/// </summary>
internal static class ChildProcesses
{
    private static readonly ConcurrentDictionary<int, Process> Running = new();

    static ChildProcesses()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
    }

    public static Process Start(ProcessStartInfo startInfo)
    {
        var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {startInfo.FileName}.");
        Running[process.Id] = process;
        return process;
    }

    public static void Forget(Process process) => Running.TryRemove(process.Id, out _);

    public static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            Forget(process);
        }
    }

    public static void KillAll()
    {
        foreach (var process in Running.Values)
        {
            Kill(process);
        }
    }

    /// <summary>The dotnet host running this process, so children run on the same runtime.</summary>
    public static string DotnetHost
    {
        get
        {
            var current = Environment.ProcessPath;
            return current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
        }
    }
}
