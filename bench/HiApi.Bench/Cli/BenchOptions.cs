using System.Globalization;

namespace HiApi.Bench.Cli;

/// <summary>
/// The sizes of one run. Defaults are the issue's; <c>--quick</c> shrinks everything for a smoke run, and any
/// single size can still be set on top of it.
/// </summary>
internal sealed class BenchOptions
{
    public bool Quick { get; private init; }

    /// <summary>Row 1: tasks submitted, waited and saved through the module.</summary>
    public int BatchTasks { get; private init; } = 200;

    /// <summary>Row 1 baseline: tasks run through the seeds' sequential recipe, then extrapolated to <see cref="BatchTasks"/>.</summary>
    public int BaselineTasks { get; private init; } = 10;

    /// <summary>Row 2: tasks submitted with a callback URL.</summary>
    public int CallbackTasks { get; private init; } = 200;

    /// <summary>Row 4: size of the downloaded file.</summary>
    public int DownloadMiB { get; private init; } = 1024;

    /// <summary>Row 4: rounds of (curl, curl + sync, bare HttpClient, module), alternating the order.</summary>
    public int DownloadRounds { get; private init; } = 3;

    /// <summary>Row 5: GETs through each path.</summary>
    public int OverheadCalls { get; private init; } = 2000;

    /// <summary>Row 6: tasks waited on at once.</summary>
    public int WaitTasks { get; private init; } = 5000;

    /// <summary>Where the Markdown table goes; relative paths are taken from the repository root.</summary>
    public string OutputPath { get; private init; } = "bench/results/latest.md";

    /// <summary>Row 7: the batch sizes the module runs over the WAN-like link (how its time grows).</summary>
    public IReadOnlyList<int> WanTasks { get; private init; } = [50, 200, 1000];

    /// <summary>Row 7: the batch compared with the hand-written ForEach-Object -Parallel (one of <see cref="WanTasks"/>).</summary>
    public int WanCompareTasks { get; private init; } = 200;

    /// <summary>True when every size is the issue's and the table goes to the default file: such a run may refresh the README.</summary>
    public bool IsIssueDefault => Arguments.Count == 0;

    /// <summary>The command line as typed, for the report.</summary>
    public IReadOnlyList<string> Arguments { get; private init; } = Array.Empty<string>();

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var quick = args.Contains("--quick", StringComparer.Ordinal);
        var options = quick
            ? new BenchOptions
            {
                Quick = true,
                BatchTasks = 40,
                BaselineTasks = 3,
                CallbackTasks = 40,
                DownloadMiB = 64,
                DownloadRounds = 3,
                OverheadCalls = 1000,
                WaitTasks = 500,
                WanTasks = [20, 40],
                WanCompareTasks = 40,
            }
            : new BenchOptions();

        int batch = options.BatchTasks, baseline = options.BaselineTasks, callbacks = options.CallbackTasks;
        int downloadMiB = options.DownloadMiB, rounds = options.DownloadRounds, calls = options.OverheadCalls, wait = options.WaitTasks;
        var output = options.OutputPath;
        var wanTasks = options.WanTasks;
        var wanCompare = options.WanCompareTasks;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    break;
                case "--batch":
                    batch = PositiveInt(args, ref i);
                    break;
                case "--baseline-tasks":
                    baseline = PositiveInt(args, ref i);
                    break;
                case "--callback-tasks":
                    callbacks = PositiveInt(args, ref i);
                    break;
                case "--download-mib":
                    downloadMiB = PositiveInt(args, ref i);
                    break;
                case "--download-rounds":
                    rounds = PositiveInt(args, ref i);
                    break;
                case "--overhead-calls":
                    calls = PositiveInt(args, ref i);
                    break;
                case "--wait-tasks":
                    wait = PositiveInt(args, ref i);
                    break;
                case "--output":
                    output = Value(args, ref i);
                    break;
                case "--wan-tasks":
                    wanTasks = PositiveInts(args, ref i);
                    break;
                case "--wan-compare-tasks":
                    wanCompare = PositiveInt(args, ref i);
                    break;
                default:
                    throw new ArgumentException($"Unknown option '{args[i]}'. {Usage}");
            }
        }

        return new BenchOptions
        {
            Quick = quick,
            BatchTasks = batch,
            BaselineTasks = Math.Min(baseline, batch),
            CallbackTasks = callbacks,
            DownloadMiB = downloadMiB,
            DownloadRounds = rounds,
            OverheadCalls = calls,
            WaitTasks = wait,
            OutputPath = output,
            WanTasks = wanTasks.Contains(wanCompare) ? wanTasks : [.. wanTasks, wanCompare],
            WanCompareTasks = wanCompare,
            Arguments = args.ToArray(),
        };
    }

    public const string Usage =
        "Options: --quick, --batch N, --baseline-tasks N, --callback-tasks N, --download-mib N, --download-rounds N, " +
        "--overhead-calls N, --wait-tasks N, --wan-tasks N,N,..., --wan-compare-tasks N, --output PATH.";

    private static string Value(IReadOnlyList<string> args, ref int i)
    {
        if (i + 1 >= args.Count)
        {
            throw new ArgumentException($"Option '{args[i]}' needs a value. {Usage}");
        }

        return args[++i];
    }

    private static int[] PositiveInts(IReadOnlyList<string> args, ref int i)
    {
        var name = args[i];
        var text = Value(args, ref i);
        var values = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var parsed = new int[values.Length];
        for (var k = 0; k < values.Length; k++)
        {
            if (!int.TryParse(values[k], NumberStyles.None, CultureInfo.InvariantCulture, out parsed[k]) || parsed[k] <= 0)
            {
                throw new ArgumentException($"Option '{name}' needs positive whole numbers separated by commas, not '{text}'.");
            }
        }

        return parsed.Length > 0 ? parsed : throw new ArgumentException($"Option '{name}' needs at least one number.");
    }

    private static int PositiveInt(IReadOnlyList<string> args, ref int i)
    {
        var name = args[i];
        var text = Value(args, ref i);
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value <= 0)
        {
            throw new ArgumentException($"Option '{name}' needs a positive whole number, not '{text}'.");
        }

        return value;
    }
}
