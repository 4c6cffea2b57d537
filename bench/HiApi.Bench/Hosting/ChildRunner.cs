using System.Diagnostics;
using System.Text.Json;

namespace HiApi.Bench.Hosting;

/// <summary>
/// Runs one measurement in a fresh process of this harness (<c>HiApi.Bench child-...</c>), so memory figures
/// belong to the module's work alone, not to the parent's emulator client, listener or earlier rows. The child
/// prints one line <c>RESULT {json}</c>; the key reaches it through the environment, never the command line.
/// </summary>
internal static class ChildRunner
{
    public const string ResultPrefix = "RESULT ";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<T> RunAsync<T>(string command, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken ct)
    {
        var startInfo = new ProcessStartInfo(ChildProcesses.DotnetHost);
        startInfo.ArgumentList.Add(typeof(ChildRunner).Assembly.Location);
        startInfo.ArgumentList.Add(command);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // Same GC settings as the parent's runtimeconfig, stated so an environment override cannot skew memory rows.
        startInfo.Environment["DOTNET_gcServer"] = "0";
        var (exitCode, output, errors) = await ProcessRun.RunAsync(startInfo, $"Child '{command}'", timeout, ct);
        var resultLine = output.Split('\n').Select(line => line.TrimEnd('\r')).LastOrDefault(line => line.StartsWith(ResultPrefix, StringComparison.Ordinal));
        if (exitCode != 0 || resultLine is null)
        {
            throw new InvalidOperationException($"Child '{command}' failed (exit code {exitCode}).{Environment.NewLine}{errors}{output}");
        }

        return JsonSerializer.Deserialize<T>(resultLine[ResultPrefix.Length..], Json)
            ?? throw new InvalidOperationException($"Child '{command}' printed an empty result.");
    }

    /// <summary>Called by the child: its one result line.</summary>
    public static void Report<T>(T result)
    {
        Console.Out.WriteLine(ResultPrefix + JsonSerializer.Serialize(result, Json));
        Console.Out.Flush();
    }
}
