namespace HiApi.TestWorker;

/// <summary><c>--name value</c> pairs after the command name.</summary>
internal sealed class WorkerArguments
{
    private readonly Dictionary<string, string> values;

    private WorkerArguments(Dictionary<string, string> values) => this.values = values;

    public static WorkerArguments Parse(ReadOnlySpan<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"expected '--name value' pairs, got '{args[i]}'");
            }

            values[args[i][2..]] = args[i + 1];
        }

        return new WorkerArguments(values);
    }

    public string Required(string name) =>
        values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"missing --{name}");

    public int Int32(string name, int fallback) =>
        values.TryGetValue(name, out var value) ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : fallback;
}
