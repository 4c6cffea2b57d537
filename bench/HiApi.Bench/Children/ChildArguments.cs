using System.Globalization;

namespace HiApi.Bench.Children;

/// <summary><c>--name value</c> pairs given to a child by the parent; a missing one is a bug in the harness.</summary>
internal sealed class ChildArguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public ChildArguments(IReadOnlyList<string> args)
    {
        for (var i = 0; i + 1 < args.Count; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Expected --name value pairs, got '{args[i]}'.");
            }

            _values[args[i][2..]] = args[i + 1];
        }
    }

    public string Text(string name) =>
        _values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"Missing --{name}.");

    public int Int(string name) => int.Parse(Text(name), NumberStyles.None, CultureInfo.InvariantCulture);

    public long Long(string name) => long.Parse(Text(name), NumberStyles.None, CultureInfo.InvariantCulture);
}
