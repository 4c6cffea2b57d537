using System.Collections.Concurrent;
using System.Diagnostics;

namespace HiApi.FaultInjection.Tests.Support;

/// <summary>
/// A running HiApi.TestWorker child process whose stdout lines are collected as they arrive. The worker is built
/// before the tests (ProjectReference with ReferenceOutputAssembly="false") and found in this repository's
/// <c>tests/HiApi.TestWorker/bin</c>, same configuration and target framework as this test assembly. Secrets go
/// in through <c>environment</c>, never through the argument list, which any user can read in a process listing.
/// </summary>
public sealed class WorkerProcess : IDisposable
{
    private static readonly Lazy<string> WorkerAssembly = new(LocateWorkerAssembly);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _outputLines = new();
    private readonly ConcurrentQueue<string> _errorLines = new();

    private WorkerProcess(IReadOnlyDictionary<string, string> environment, IEnumerable<string> arguments)
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

        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        _process = new Process { StartInfo = startInfo };
        _process.OutputDataReceived += (_, line) => { if (line.Data is not null) _outputLines.Enqueue(line.Data); };
        _process.ErrorDataReceived += (_, line) => { if (line.Data is not null) _errorLines.Enqueue(line.Data); };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Arguments = startInfo.ArgumentList.ToArray();
    }

    /// <summary>The command line the child was given (the worker's path first).</summary>
    public IReadOnlyList<string> Arguments { get; }

    public IReadOnlyList<string> OutputLines => _outputLines.ToArray();

    public string ErrorText => string.Join(Environment.NewLine, _errorLines);

    public bool HasExited => _process.HasExited;

    public static WorkerProcess Start(IReadOnlyDictionary<string, string> environment, params string[] arguments) => new(environment, arguments);

    /// <summary>
    /// Polls until at least <paramref name="count"/> stdout lines match <paramref name="match"/>; fails the test
    /// (with the child's stderr) if it exits or the time runs out first.
    /// </summary>
    public async Task WaitForLinesAsync(Func<string, bool> match, int count, TimeSpan timeout, string what)
    {
        var waited = Stopwatch.StartNew();
        while (_outputLines.Count(match) < count)
        {
            if (_process.HasExited)
            {
                Assert.Fail($"the worker exited (code {_process.ExitCode}) before {what}; stdout: {string.Join(" | ", _outputLines)}; stderr: {ErrorText}");
            }

            if (waited.Elapsed > timeout)
            {
                Assert.Fail($"the worker did not get to {what} within {timeout.TotalSeconds:0} s; stdout: {string.Join(" | ", _outputLines)}; stderr: {ErrorText}");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>Kills the child and its tree without warning (SIGKILL on Unix), then collects its remaining output.</summary>
    public void KillHard()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }

        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            KillHard();
        }

        _process.Dispose();
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

        // .../tests/HiApi.FaultInjection.Tests/bin/<configuration>/<framework>/ -> .../tests/HiApi.TestWorker/bin/<configuration>/<framework>/
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

            throw new FileNotFoundException($"{workerFile} is not built; run 'dotnet build {Path.Combine(workerProject, "HiApi.TestWorker.csproj")}' first.", expected);
        }

        throw new DirectoryNotFoundException($"tests/HiApi.TestWorker not found above {outputFolder.FullName}.");
    }
}
