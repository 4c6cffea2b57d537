using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace HiApi.Bench.Reporting;

/// <summary>The machine a table was measured on: figures mean nothing without it.</summary>
internal sealed record MachineInfo(string Cpu, int Cores, string Memory, string OperatingSystem, string Runtime, string Curl, string Commit, DateTimeOffset Date)
{
    public static MachineInfo Collect(string repositoryRoot) => new(
        Cpu: ReadCpuModel(),
        Cores: Environment.ProcessorCount,
        Memory: ReadTotalMemory(),
        OperatingSystem: ReadOsName(),
        Runtime: RuntimeInformation.FrameworkDescription + " " + RuntimeInformation.RuntimeIdentifier,
        Curl: FirstLineOf("curl", "--version") ?? "not found",
        Commit: FirstLineOf("git", "-C", repositoryRoot, "rev-parse", "--short", "HEAD") ?? "unknown",
        Date: DateTimeOffset.UtcNow);

    private static string ReadCpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (line is not null)
            {
                return line[(line.IndexOf(':') + 1)..].Trim();
            }
        }
        catch (IOException)
        {
        }

        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    private static string ReadTotalMemory()
    {
        try
        {
            var line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            if (line is not null)
            {
                var kb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
                return string.Format(CultureInfo.InvariantCulture, "{0:0.0} GiB", kb / 1024.0 / 1024.0);
            }
        }
        catch (IOException)
        {
        }

        return string.Format(CultureInfo.InvariantCulture, "{0:0.0} GiB (GC view)", GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1024.0 / 1024 / 1024);
    }

    private static string ReadOsName()
    {
        try
        {
            var pretty = File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal));
            if (pretty is not null)
            {
                return pretty["PRETTY_NAME=".Length..].Trim('"') + ", kernel " + Environment.OSVersion.Version;
            }
        }
        catch (IOException)
        {
        }

        return RuntimeInformation.OSDescription;
    }

    private static string? FirstLineOf(string program, params string[] arguments)
    {
        try
        {
            var startInfo = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in arguments)
            {
                startInfo.ArgumentList.Add(argument);
            }

            using var process = Process.Start(startInfo);
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit(10_000);
            var first = output.Split('\n').FirstOrDefault()?.Trim();
            return process.ExitCode == 0 && !string.IsNullOrEmpty(first) ? first : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
