using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace HiApi.Emulator.Tests.Hosting;

/// <summary>The standalone program, run as its own process the way scripts run it.</summary>
public sealed class StandaloneProgramTests
{
    private static readonly string EmulatorDll = typeof(EmulatorServer).Assembly.Location;

    private static Process Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(EmulatorDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        return Process.Start(start)!;
    }

    [Fact]
    public async Task Prints_its_url_once_listening_and_serves_the_api()
    {
        using var process = Start("--Emulator:HandlingMs=10");
        try
        {
            var lineTask = process.StandardOutput.ReadLineAsync();
            var line = await lineTask.WaitAsync(TimeSpan.FromSeconds(30));

            Assert.NotNull(line);
            var match = Regex.Match(line!, @"^HIAPI_EMULATOR_URL=(http://127\.0\.0\.1:(\d+)/)$");
            Assert.True(match.Success, $"unexpected first line: {line}");
            using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
            using var response = await http.GetAsync(match.Groups[1].Value + "_emulator/config");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("\"handlingMs\":10", await response.Content.ReadAsStringAsync());
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Reads_a_config_file_and_lets_the_command_line_win()
    {
        var file = Path.Combine(Path.GetTempPath(), $"hiapi-emulator-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file,
            """{"HandlingMs":1234,"QueuedMs":77,"ApiKeys":[{"Key":"sk-test-from-file"}],"Faults":{"ServerErrorRate":0.25}}""");
        using var process = Start($"--Emulator:ConfigFile={file}", "--Emulator:QueuedMs=5");
        try
        {
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            var baseUrl = line!["HIAPI_EMULATOR_URL=".Length..];
            using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri(baseUrl) };

            var config = await http.GetStringAsync("_emulator/config");
            var faults = await http.GetStringAsync("_emulator/faults");
            var fileKey = await http.GetAsync("_emulator/balance/sk-test-from-file");
            var defaultKey = await http.GetAsync("_emulator/balance/sk-test-emulator");

            Assert.Contains("\"handlingMs\":1234", config);
            Assert.Contains("\"queuedMs\":5", config);
            Assert.Contains("\"serverErrorRate\":0.25", faults);
            Assert.Equal(HttpStatusCode.OK, fileKey.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, defaultKey.StatusCode);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("http://0.0.0.0:5080")]
    [InlineData("http://+:5080")]
    [InlineData("http://192.168.1.10:5080")]
    public async Task Refuses_a_non_loopback_url_with_exit_code_2(string url)
    {
        using var process = Start("--urls", url);
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();

        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("loopback", await stderr);
        Assert.DoesNotContain("HIAPI_EMULATOR_URL", await stdout);
    }

    [Fact]
    public async Task Refuses_an_unknown_option_with_exit_code_2()
    {
        using var process = Start("--Emulator:HandlngMs=5");
        var stderr = process.StandardError.ReadToEndAsync();

        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("HandlngMs", await stderr);
    }
}
