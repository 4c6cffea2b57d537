using System.Collections.Concurrent;
using System.Diagnostics;

namespace HiApi.Client.Tests.Ledger;

/// <summary>
/// A running HiApi.TestWorker child process whose stdout lines are collected as they arrive. The worker is
/// built before the tests (ProjectReference with ReferenceOutputAssembly="false") and found next to this
/// repository's test output, in the same configuration and target framework.
/// </summary>
public sealed class TestWorkerProcess : IDisposable
{
    private static readonly Lazy<string> WorkerAssembly = new(LocateWorkerAssembly);

    private readonly Process process;
    private readonly ConcurrentQueue<string> outputLines = new();
    private readonly ConcurrentQueue<string> errorLines = new();

    private TestWorkerProcess(IEnumerable<string> arguments)
    {
        var startInfo = new ProcessStartInfo(DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        startInfo.ArgumentList.Add(WorkerAssembly.Value);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, line) => { if (line.Data is not null) outputLines.Enqueue(line.Data); };
        process.ErrorDataReceived += (_, line) => { if (line.Data is not null) errorLines.Enqueue(line.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public IReadOnlyList<string> OutputLines => outputLines.ToArray();

    public string ErrorText => string.Join(Environment.NewLine, errorLines);

    public static TestWorkerProcess Start(params string[] arguments) => new(arguments);

    /// <summary>Polls until the child has printed at least <paramref name="count"/> lines or has exited.</summary>
    public bool WaitForOutputLines(int count, TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        while (outputLines.Count < count && !process.HasExited && waited.Elapsed < timeout)
        {
            Thread.Sleep(10);
        }

        return outputLines.Count >= count;
    }

    /// <summary>Waits for a normal exit and returns the exit code, after all output has been collected.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (!process.WaitForExit(timeout))
        {
            KillHard();
            Assert.Fail($"worker did not exit within {timeout}; stderr: {ErrorText}");
        }

        process.WaitForExit(); // drains the redirected streams
        return process.ExitCode;
    }

    /// <summary>Kills the child and its tree without warning (SIGKILL on Unix), then collects its remaining output.</summary>
    public void KillHard()
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }

        process.WaitForExit();
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            KillHard();
        }

        process.Dispose();
    }

    // The test host may itself be "dotnet testhost.dll" or an apphost; the CLI tells children where dotnet is.
    private static string DotnetHost()
    {
        var fromCli = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromCli) && File.Exists(fromCli))
        {
            return fromCli;
        }

        var current = Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
    }

    private static string LocateWorkerAssembly()
    {
        const string workerFile = "HiApi.TestWorker.dll";
        var outputFolder = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        var besideTests = Path.Combine(outputFolder.FullName, workerFile);
        if (File.Exists(besideTests))
        {
            return besideTests;
        }

        // .../tests/HiApi.Client.Tests/bin/<configuration>/<framework>/ -> .../tests/HiApi.TestWorker/bin/<configuration>/<framework>/
        var framework = outputFolder.Name;
        var configuration = outputFolder.Parent?.Name ?? "Debug";
        for (var folder = outputFolder; folder is not null; folder = folder.Parent)
        {
            var workerProject = Path.Combine(folder.FullName, "tests", "HiApi.TestWorker");
            if (!Directory.Exists(workerProject))
            {
                continue;
            }

            var expected = Path.Combine(workerProject, "bin", configuration, framework, workerFile);
            if (File.Exists(expected))
            {
                return expected;
            }

            var anyBuild = Directory.Exists(Path.Combine(workerProject, "bin"))
                ? Directory.EnumerateFiles(Path.Combine(workerProject, "bin"), workerFile, SearchOption.AllDirectories)
                    .OrderByDescending(File.GetLastWriteTimeUtc)
                    .FirstOrDefault()
                : null;
            if (anyBuild is not null)
            {
                return anyBuild;
            }

            throw new FileNotFoundException($"{workerFile} is not built; run 'dotnet build {Path.Combine(workerProject, "HiApi.TestWorker.csproj")}' first.", expected);
        }

        throw new DirectoryNotFoundException($"tests/HiApi.TestWorker not found above {outputFolder.FullName}.");
    }
}
