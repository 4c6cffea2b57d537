using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace HiApi.Bench.Hosting;

/// <summary>
/// The emulator as a separate process, so its CPU and memory never count as the module's. Started with fixed
/// timings, steered between rows through <c>/_emulator/config</c>, killed at the end whatever happens.
/// </summary>
internal sealed class EmulatorProcess : IAsyncDisposable
{
    /// <summary>The emulator's unlimited test key; it never appears in the report.</summary>
    public const string ApiKey = "sk-test-emulator";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Process _process;
    private readonly HttpClient _control;

    private EmulatorProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        _control = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>With a trailing slash, e.g. <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri BaseAddress { get; }

    public int ProcessId => _process.Id;

    public static async Task<EmulatorProcess> StartAsync(EmulatorSettings settings, CancellationToken ct)
    {
        await EnsureBuiltAsync(ct);
        var startInfo = new ProcessStartInfo(ChildProcesses.DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(RepositoryLayout.EmulatorAssembly);
        startInfo.ArgumentList.Add("--urls");
        startInfo.ArgumentList.Add("http://127.0.0.1:0");
        Add(startInfo, "QueuedMs", settings.QueuedMs);
        Add(startInfo, "HandlingMs", settings.HandlingMs);
        Add(startInfo, "ArchivingMs", settings.ArchivingMs);

        var process = ChildProcesses.Start(startInfo);
        var stderr = new Queue<string>();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (stderr)
            {
                stderr.Enqueue(e.Data);
                if (stderr.Count > 20)
                {
                    stderr.Dequeue();
                }
            }
        };
        process.BeginErrorReadLine();

        using var startTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        startTimeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            while (await process.StandardOutput.ReadLineAsync(startTimeout.Token) is { } line)
            {
                const string Prefix = "HIAPI_EMULATOR_URL=";
                if (line.StartsWith(Prefix, StringComparison.Ordinal))
                {
                    // Keep draining stdout so the emulator can never block on a full pipe.
                    _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                    return new EmulatorProcess(process, new Uri(line[Prefix.Length..].Trim()));
                }
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
        }
        catch
        {
            ChildProcesses.Kill(process);
            throw;
        }

        ChildProcesses.Kill(process);
        string tail;
        lock (stderr)
        {
            tail = string.Join(Environment.NewLine, stderr);
        }

        throw new InvalidOperationException($"The emulator did not print its URL (exit code {(process.HasExited ? process.ExitCode : -1)}).{Environment.NewLine}{tail}");
    }

    public async Task ConfigureAsync(EmulatorSettings settings, CancellationToken ct)
    {
        using var response = await _control.PutAsJsonAsync("_emulator/config", settings, Json, ct);
        await EnsureSuccessAsync(response, "PUT /_emulator/config", ct);
    }

    public async Task ClearRequestsAsync(CancellationToken ct)
    {
        using var response = await _control.DeleteAsync("_emulator/requests", ct);
        await EnsureSuccessAsync(response, "DELETE /_emulator/requests", ct);
    }

    public async Task<IReadOnlyList<EmulatorRequest>> GetRequestsAsync(CancellationToken ct) =>
        await _control.GetFromJsonAsync<List<EmulatorRequest>>("_emulator/requests", Json, ct) ?? new List<EmulatorRequest>();

    public async Task<IReadOnlyDictionary<string, EmulatorTask>> GetTasksAsync(CancellationToken ct)
    {
        var tasks = await _control.GetFromJsonAsync<List<EmulatorTask>>("_emulator/tasks", Json, ct) ?? new List<EmulatorTask>();
        return tasks.ToDictionary(task => task.TaskId, StringComparer.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        _control.Dispose();
        ChildProcesses.Kill(_process);
        _process.Dispose();
        await Task.CompletedTask;
    }

    private static void Add(ProcessStartInfo startInfo, string name, int? value)
    {
        if (value is { } set)
        {
            startInfo.ArgumentList.Add($"--Emulator:{name}={set}");
        }
    }

    /// <summary>
    /// The project reference builds the emulator with the harness; this covers a harness started from a copied
    /// output folder or with <c>--no-build</c>.
    /// </summary>
    private static async Task EnsureBuiltAsync(CancellationToken ct)
    {
        if (File.Exists(RepositoryLayout.EmulatorAssembly))
        {
            return;
        }

        Console.Error.WriteLine($"Building the emulator ({RepositoryLayout.Configuration})...");
        var build = new ProcessStartInfo(ChildProcesses.DotnetHost) { UseShellExecute = false };
        foreach (var argument in new[] { "build", RepositoryLayout.EmulatorProject, "-c", RepositoryLayout.Configuration, "--nologo", "-v", "q" })
        {
            build.ArgumentList.Add(argument);
        }

        using var process = ChildProcesses.Start(build);
        await process.WaitForExitAsync(ct);
        ChildProcesses.Forget(process);
        if (process.ExitCode != 0 || !File.Exists(RepositoryLayout.EmulatorAssembly))
        {
            throw new InvalidOperationException($"Building the emulator failed (exit code {process.ExitCode}).");
        }
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            throw new InvalidOperationException($"{what} answered {(int)response.StatusCode}: {body}");
        }
    }
}
