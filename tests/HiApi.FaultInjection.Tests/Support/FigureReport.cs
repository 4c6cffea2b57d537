using System.Globalization;
using Xunit.Abstractions;

namespace HiApi.FaultInjection.Tests.Support;

/// <summary>
/// The figures a run reports (tasks, faults, retries, saves, duplicates, time), written twice: in full to the
/// test's output, and as one greppable <c>PREFIX: name=value ...</c> line on stdout for the CI log.
/// </summary>
public sealed class FigureReport(string prefix)
{
    private readonly List<(string Name, string Value)> _figures = new();

    public FigureReport Add(string name, long value) => Add(name, value.ToString(CultureInfo.InvariantCulture));

    public FigureReport Add(string name, double value) => Add(name, value.ToString("0.0", CultureInfo.InvariantCulture));

    public FigureReport Add(string name, string value)
    {
        _figures.Add((name, value));
        return this;
    }

    public string Line => $"{prefix}: " + string.Join(' ', _figures.Select(figure => $"{figure.Name}={figure.Value}"));

    public void WriteTo(ITestOutputHelper output)
    {
        foreach (var (name, value) in _figures)
        {
            output.WriteLine($"{name,-28} {value}");
        }

        output.WriteLine(Line);
        Console.WriteLine(Line);

        // dotnet test hides a passing test's stdout; .ci/run names a file here and prints it after the run.
        if (Environment.GetEnvironmentVariable("HIAPI_FIGURES_FILE") is { Length: > 0 } figuresFile)
        {
            File.AppendAllText(figuresFile, Line + Environment.NewLine);
        }
    }
}
