using System.Globalization;
using System.Text;

namespace HiApi.Client;

/// <summary>
/// A file name built from each task (Save-HiApiVideo -FileName): text with <c>{Name}</c> and <c>{Name:format}</c>
/// placeholders, such as <c>{Scene:000}-{Shot}</c>; <c>{{</c> and <c>}}</c> are a brace. A name is looked up in the
/// task's row first (the columns of its CSV row, any case), then among the task's own <see cref="TaskFields"/>. A format
/// is .NET's, applied in the invariant culture: to a number (a row's text that reads as one, such as a Scene of 7 with
/// <c>000</c>), and to a time, which is in UTC (<c>yyyyMMdd-HHmmss</c> when no format is given). What a value says is
/// data, never a folder: its '/' and '\' become '_'. The result goes through <see cref="TaskFileName"/>.
/// </summary>
public sealed class FileNameTemplate
{
    /// <summary>How a time is written when the placeholder gives no format: sortable, and valid in a file name.</summary>
    public const string DefaultTimeFormat = "yyyyMMdd-HHmmss";

    private static readonly IReadOnlyDictionary<string, Func<HiApiTask, object?>> Fields =
        new Dictionary<string, Func<HiApiTask, object?>>(StringComparer.OrdinalIgnoreCase)
        {
            ["TaskId"] = task => task.TaskId,
            ["InputNumber"] = task => task.InputNumber,
            ["Batch"] = task => task.Batch,
            ["Model"] = task => task.Model,
            ["Prompt"] = task => task.Prompt,
            ["ImageUrl"] = task => task.ImageUrl,
            ["Duration"] = task => task.Duration,
            ["Resolution"] = task => task.Resolution,
            ["AspectRatio"] = task => task.AspectRatio,
            ["IdempotencyKey"] = task => task.IdempotencyKey,
            ["Status"] = task => task.Status,
            ["SubmittedAt"] = task => task.SubmittedAt,
            ["CreatedAt"] = task => task.CreatedAt,
            ["CompletedAt"] = task => task.CompletedAt,
        };

    private readonly IReadOnlyList<Part> _parts;

    private FileNameTemplate(string text, IReadOnlyList<Part> parts)
    {
        Text = text;
        _parts = parts;
    }

    /// <summary>The task's own fields a placeholder may name (after the row's columns).</summary>
    public static IReadOnlyList<string> TaskFields { get; } = Fields.Keys.ToArray();

    /// <summary>The template as given.</summary>
    public string Text { get; }

    /// <summary>Reads <paramref name="template"/>; a template that cannot be read is refused before any task is saved.</summary>
    /// <exception cref="HiApiException">Kind <see cref="HiApiErrorKind.InvalidFileName"/>.</exception>
    public static FileNameTemplate Parse(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var parts = new List<Part>();
        var literal = new StringBuilder();
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c == '}')
            {
                if (i + 1 < template.Length && template[i + 1] == '}')
                {
                    literal.Append('}');
                    i++;
                    continue;
                }

                throw Unreadable(template, $"the '}}' at character {i + 1} closes no placeholder (write '}}}}' for a brace)");
            }

            if (c != '{')
            {
                if (c is '/' or '\\')
                {
                    throw Unreadable(template, "it holds a folder separator: -FileName names one file inside -Path, never a path (put the folder in -Path)");
                }

                literal.Append(c);
                continue;
            }

            if (i + 1 < template.Length && template[i + 1] == '{')
            {
                literal.Append('{');
                i++;
                continue;
            }

            var close = template.IndexOf('}', i + 1);
            if (close < 0)
            {
                throw Unreadable(template, $"the '{{' at character {i + 1} is never closed (write '{{{{' for a brace)");
            }

            var inside = template[(i + 1)..close];
            var colon = inside.IndexOf(':');
            var name = (colon < 0 ? inside : inside[..colon]).Trim();
            if (name.Length == 0 || name.Contains('{'))
            {
                throw Unreadable(template, $"the placeholder '{{{inside}}}' names nothing: write a column of the row or a task field, such as {{Scene}} or {{InputNumber:000}}");
            }

            if (literal.Length > 0)
            {
                parts.Add(new Part(literal.ToString(), null, null));
                literal.Clear();
            }

            parts.Add(new Part(null, name, colon < 0 ? null : inside[(colon + 1)..]));
            i = close;
        }

        if (literal.Length > 0)
        {
            parts.Add(new Part(literal.ToString(), null, null));
        }

        return new FileNameTemplate(template, parts);
    }

    /// <summary>The file name of <paramref name="task"/>'s video (see <see cref="TaskFileName"/>).</summary>
    /// <exception cref="HiApiException">Kind <see cref="HiApiErrorKind.InvalidFileName"/>, naming the task and the placeholder.</exception>
    public string NameFor(HiApiTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        var name = new StringBuilder();
        foreach (var part in _parts)
        {
            name.Append(part.Literal ?? Value(task, part.Name!, part.Format).Replace('/', '_').Replace('\\', '_'));
        }

        return TaskFileName.From(name.ToString(), task, Source);
    }

    public override string ToString() => Text;

    private string Source => $"-FileName '{Text}'";

    private string Value(HiApiTask task, string name, string? format)
    {
        object? value;
        string what;
        if (task.Row is { } row && row.TryGetValue(name, out var cell))
        {
            value = cell;
            what = $"the row's {name}";
        }
        else if (Fields.TryGetValue(name, out var field))
        {
            value = field(task);
            what = name;
        }
        else
        {
            var columns = task.Row is { Count: > 0 } known
                ? $"its row has {string.Join(", ", known.Keys)}"
                : "the task has no row (it was not made from a row, or the task ledger does not know it)";
            throw TaskFileName.Refused(task, Source,
                $"{{{name}}} is neither a column of its row nor a task field ({columns}; a task has {string.Join(", ", Fields.Keys)})");
        }

        if (value is null)
        {
            throw TaskFileName.Refused(task, Source, $"{{{name}}} is not known for it ({what} has no value)");
        }

        try
        {
            return value switch
            {
                DateTimeOffset time => time.ToUniversalTime().ToString(format ?? DefaultTimeFormat, CultureInfo.InvariantCulture),
                string text when format is not null => FormatNumber(task, text, format, what),
                IFormattable formattable => formattable.ToString(format, CultureInfo.InvariantCulture),
                _ => value.ToString() ?? string.Empty,
            };
        }
        catch (FormatException badFormat)
        {
            throw TaskFileName.Refused(task, Source, $"{what} cannot be written with the format '{format}' ({badFormat.Message})");
        }
    }

    /// <summary>A row's text written with a number format: the text must read as a number (invariant culture).</summary>
    private string FormatNumber(HiApiTask task, string text, string format, string what)
    {
        var trimmed = text.Trim();
        if (long.TryParse(trimmed, NumberStyles.Integer, CultureInfo.InvariantCulture, out var whole))
        {
            return whole.ToString(format, CultureInfo.InvariantCulture);
        }

        if (decimal.TryParse(trimmed, NumberStyles.Number, CultureInfo.InvariantCulture, out var number))
        {
            return number.ToString(format, CultureInfo.InvariantCulture);
        }

        throw TaskFileName.Refused(task, Source, $"{what} is '{TextPreview.Shorten(text, 40)}', not a number, so the format '{format}' cannot apply");
    }

    private static HiApiException Unreadable(string template, string problem) =>
        new(HiApiErrorKind.InvalidFileName, $"-FileName '{template}' cannot be read: {problem}. Nothing was saved.");

    /// <summary>A piece of the template: literal text, or a placeholder (a name and its format).</summary>
    private sealed record Part(string? Literal, string? Name, string? Format);
}
