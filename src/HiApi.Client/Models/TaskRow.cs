using System.Collections.ObjectModel;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace HiApi.Client;

/// <summary>
/// The rest of the input a task was made from: the columns of its CSV row (or the keys of its hashtable) that are not
/// request fields, such as <c>Scene</c>, <c>Shot</c> and <c>Notes</c>, in the input's order, names compared without
/// regard to case. The request fields are on the task as they were sent (<see cref="HiApiTask.Request"/>). A row never
/// changes the request or its idempotency key; it travels with the task, through the ledger, to the file names and
/// sidecars of Save-HiApiVideo. Every value is text: a number, true/false, a date, a GUID or a URI is kept as its
/// invariant text (a date in ISO 8601), so a row reads the same in this session and from the ledger a week later.
/// Bounded, since the ledger keeps it: see <see cref="MaxProperties"/>, <see cref="MaxValueLength"/> and
/// <see cref="MaxTotalBytes"/>.
/// </summary>
public sealed class TaskRow : ReadOnlyDictionary<string, string?>
{
    /// <summary>At most this many properties are kept; the ones after them are dropped (and reported).</summary>
    public const int MaxProperties = 64;

    /// <summary>A value longer than this many characters keeps its start, ending in <see cref="TruncationMarker"/> (reported).</summary>
    public const int MaxValueLength = 1000;

    /// <summary>The names and values of a row together take at most this many UTF-8 bytes; a property that would pass it is dropped (reported).</summary>
    public const int MaxTotalBytes = 8192;

    /// <summary>What ends a value that was cut at <see cref="MaxValueLength"/>: a shortened value never passes for the whole one.</summary>
    public const string TruncationMarker = "...";

    private TaskRow(Dictionary<string, string?> values)
        : base(values)
    {
    }

    /// <summary>
    /// The row made of <paramref name="properties"/> (name and value, in the input's order), within the bounds; null when
    /// none is kept. Each value that could not be kept as it is goes to <paramref name="problems"/> (when given): a value
    /// that is not text, a number, true/false or a date (a list, a nested object, bytes) is dropped; a value too long is
    /// shortened; properties past the count or size bounds are dropped; a blank name or a name given twice is dropped.
    /// </summary>
    public static TaskRow? From(IEnumerable<KeyValuePair<string, object?>> properties, ICollection<TaskRowProblem>? problems = null)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var bytes = 0;
        foreach (var (rawName, value) in properties)
        {
            var name = rawName?.Trim() ?? string.Empty;
            if (name.Length == 0 || values.ContainsKey(name))
            {
                problems?.Add(new TaskRowProblem(name, name.Length == 0 ? "a property without a name is not kept" : "a second property of this name is not kept"));
                continue;
            }

            if (!TryText(value, out var text))
            {
                problems?.Add(new TaskRowProblem(name, $"its value (a {value!.GetType().Name}) is not text, a number, true/false or a date, so it is not kept with the task"));
                continue;
            }

            if (text is { Length: > MaxValueLength })
            {
                text = Shorten(text);
                problems?.Add(new TaskRowProblem(name, $"its value is longer than {MaxValueLength} characters, so the task keeps its start, ending in '{TruncationMarker}'"));
            }

            var size = Encoding.UTF8.GetByteCount(name) + (text is null ? 0 : Encoding.UTF8.GetByteCount(text));
            if (values.Count == MaxProperties || bytes + size > MaxTotalBytes)
            {
                problems?.Add(new TaskRowProblem(name, values.Count == MaxProperties
                    ? $"a task keeps at most {MaxProperties} properties of its row, so this one is not kept"
                    : $"a task keeps at most {MaxTotalBytes} bytes of its row, so this one is not kept"));
                continue;
            }

            values.Add(name, text);
            bytes += size;
        }

        return values.Count == 0 ? null : new TaskRow(values);
    }

    /// <summary>A row as the ledger stored it (text values), within the same bounds; null when it holds nothing.</summary>
    internal static TaskRow? FromStored(IReadOnlyDictionary<string, string?>? stored) =>
        stored is null ? null : From(stored.Select(pair => new KeyValuePair<string, object?>(pair.Key, pair.Value)));

    /// <summary>The row as the ledger stores it.</summary>
    internal Dictionary<string, string?> ToStored() => this.ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);

    /// <summary>Whether <paramref name="other"/> holds the same names (in any case) with the same values, in the same order.</summary>
    public bool SameAs(TaskRow? other) =>
        other is not null && other.Count == Count
        && this.Zip(other).All(pair => string.Equals(pair.First.Key, pair.Second.Key, StringComparison.OrdinalIgnoreCase)
            && string.Equals(pair.First.Value, pair.Second.Value, StringComparison.Ordinal));

    /// <summary><c>Scene=12; Shot=3</c>: how a view and Export-Csv show the row.</summary>
    public override string ToString() => string.Join("; ", this.Select(pair => $"{pair.Key}={pair.Value}"));

    /// <summary>
    /// The invariant text of a value a row may keep: text, a character, true/false, a number, an enum, a date or time
    /// (ISO 8601), a duration, a GUID, a URI or a version; null stays null. False for anything else.
    /// </summary>
    private static bool TryText(object? value, out string? text)
    {
        text = value switch
        {
            null => null,
            string plain => plain,
            char character => character.ToString(),
            bool flag => flag ? "True" : "False",
            DateTime date => date.ToString("o", CultureInfo.InvariantCulture),
            DateTimeOffset date => date.ToString("o", CultureInfo.InvariantCulture),
            DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            TimeOnly time => time.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
            TimeSpan span => span.ToString("c", CultureInfo.InvariantCulture),
            Enum choice => choice.ToString(),
            Guid or Uri or Version => value.ToString(),
            byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal or BigInteger or Half or Int128 or UInt128
                => ((IFormattable)value).ToString(null, CultureInfo.InvariantCulture),
            _ => null,
        };

        // Every value kept has a text: only null itself is kept as null.
        return value is null || text is not null;
    }

    /// <summary>The first characters of <paramref name="text"/>, whole (never half a surrogate pair), then the marker.</summary>
    private static string Shorten(string text)
    {
        var keep = MaxValueLength - TruncationMarker.Length;
        if (char.IsHighSurrogate(text[keep - 1]))
        {
            keep--;
        }

        return string.Concat(text.AsSpan(0, keep), TruncationMarker);
    }
}
