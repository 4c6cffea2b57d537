using System.Collections.Concurrent;
using System.Diagnostics;

namespace HiApi.Tests.Shared;

/// <summary>
/// A running HiApi.TestWorker child process whose stdout and stderr lines are collected as they arrive. One
/// definition, compiled into every test project that starts the worker (linked as <c>Shared/WorkerProcess.cs</c>).
/// The worker is built before the tests (ProjectReference with ReferenceOutputAssembly="false") and found beside
/// the test output or in this repository's <c>tests/HiApi.TestWorker/bin</c>, same configuration and target
/// framework as the test assembly. Secrets go in through <c>environment</c>, never through the argument list,
/// which any user can read in a process listing. Uses xunit's <c>Assert</c> (a global using in each test project).
/// </summary>
public sealed class WorkerProcess : IDisposable
{
    private static readonly IReadOnlyDictionary<string, string> NoEnvironment = new Dictionary<string, string>();
    private static readonly Lazy<string> WorkerAssembly = new(LocateWorkerAssembly);

    private readonly Process process;
    private readonly ConcurrentQueue<string> outputLines = new();
    private readonly ConcurrentQueue<string> errorLines = new();

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

        // Added to (not replacing) the inherited environment; this is the only way a secret reaches the child.
        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, line) => { if (line.Data is not null) outputLines.Enqueue(line.Data); };
        process.ErrorDataReceived += (_, line) => { if (line.Data is not null) errorLines.Enqueue(line.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Arguments = startInfo.ArgumentList.ToArray();
    }

    /// <summary>The command line the child was given (the worker's path first).</summary>
    public IReadOnlyList<string> Arguments { get; }

    public IReadOnlyList<string> OutputLines => outputLines.ToArray();

    public string ErrorText => string.Join(Environment.NewLine, errorLines);

    public bool HasExited => process.HasExited;

    /// <summary>Starts the worker with <paramref name="arguments"/> and the inherited environment only.</summary>
    public static WorkerProcess Start(params string[] arguments) => new(NoEnvironment, arguments);

    /// <summary>
    /// Starts the worker with <paramref name="environment"/> added to the inherited environment. Pass secrets here,
    /// never in <paramref name="arguments"/>.
    /// </summary>
    public static WorkerProcess Start(IReadOnlyDictionary<string, string> environment, params string[] arguments) => new(environment, arguments);

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

    /// <summary>
    /// Polls until at least <paramref name="count"/> stdout lines match <paramref name="match"/>; fails the test
    /// (with the child's stderr) if it exits or the time runs out first.
    /// </summary>
    public async Task WaitForLinesAsync(Func<string, bool> match, int count, TimeSpan timeout, string what)
    {
        var waited = Stopwatch.StartNew();
        while (outputLines.Count(match) < count)
        {
            if (process.HasExited)
            {
                Assert.Fail($"the worker exited (code {process.ExitCode}) before {what}; stdout: {string.Join(" | ", outputLines)}; stderr: {ErrorText}");
            }

            if (waited.Elapsed > timeout)
            {
                Assert.Fail($"the worker did not get to {what} within {timeout.TotalSeconds:0} s; stdout: {string.Join(" | ", outputLines)}; stderr: {ErrorText}");
            }

            await Task.Delay(10);
        }
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

    // Nothing here names the calling test project: the test assembly's own output folder says which configuration
    // and framework to look for, so this works from tests/HiApi.Client.Tests and tests/HiApi.FaultInjection.Tests
    // alike. Only that exact build is accepted; a build of another configuration could be stale.
    private static string LocateWorkerAssembly()
    {
        const string workerFile = "HiApi.TestWorker.dll";
        var outputFolder = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        var besideTests = Path.Combine(outputFolder.FullName, workerFile);
        if (File.Exists(besideTests))
        {
            return besideTests; // e.g. 'dotnet test -o <folder>' puts every project's output together
        }

        // .../tests/<test project>/bin/<configuration>/<framework>/ -> .../tests/HiApi.TestWorker/bin/<configuration>/<framework>/
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

            throw new FileNotFoundException($"{workerFile} is not built for {configuration}/{framework}; run 'dotnet build {Path.Combine(workerProject, "HiApi.TestWorker.csproj")} -c {configuration}' first.", expected);
        }

        throw new DirectoryNotFoundException($"tests/HiApi.TestWorker not found above {outputFolder.FullName}.");
    }
}
