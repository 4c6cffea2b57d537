using System.Collections;
using System.Management.Automation;

namespace HiApi.Video.Infrastructure;

/// <summary>
/// The request fields of one piped object (a CSV row, a hashtable, any object with such properties), read by the
/// cmdlet itself rather than by PowerShell's parameter binder: the binder silently drops a cell it cannot convert
/// (a <c>Duration</c> of <c>abc</c> was submitted at the model's default, and charged), rounds <c>3.5</c> to 4, and
/// refuses a blank <c>AspectRatio</c> cell that only means "not given". Here every value is taken as it is and
/// parsed strictly by the client; a blank cell is "not given". Property names match the parameters, with the
/// API's own spellings as aliases.
/// </summary>
internal sealed class RequestRow
{
    private static readonly string[] PromptNames = ["Prompt", "Text"];
    private static readonly string[] ImageUrlNames = ["ImageUrl", "image_url", "Image", "image_urls"];
    private static readonly string[] AspectRatioNames = ["AspectRatio", "aspect_ratio"];
    private static readonly string[] ResolutionNames = ["Resolution"];
    private static readonly string[] DurationNames = ["Duration"];
    private static readonly string[] ModelNames = ["Model"];
    private static readonly string[] CallbackUrlNames = ["CallbackUrl", "callback_url"];
    private static readonly string[] IdempotencyKeyNames = ["IdempotencyKey", "idempotency_key"];

    private static readonly string[][] AllNames =
        [PromptNames, ImageUrlNames, AspectRatioNames, ResolutionNames, DurationNames, ModelNames, CallbackUrlNames, IdempotencyKeyNames];

    private readonly PSObject _row;
    private readonly IDictionary? _dictionary;

    private RequestRow(PSObject row)
    {
        _row = row;
        _dictionary = row.BaseObject as IDictionary;
    }

    public string? Prompt => Text(PromptNames);
    public string? ImageUrl => Text(ImageUrlNames);
    public string? AspectRatio => Text(AspectRatioNames);
    public string? Resolution => Text(ResolutionNames);
    public string? Model => Text(ModelNames);
    public string? CallbackUrl => Text(CallbackUrlNames);
    public string? IdempotencyKey => Text(IdempotencyKeyNames);

    /// <summary>The raw duration value (text, number, or null): the client parses it strictly.</summary>
    public object? Duration => Raw(DurationNames);

    /// <summary>A row to read, or null for input that is a prompt (a string) or nothing.</summary>
    public static RequestRow? From(PSObject? input) =>
        input?.BaseObject is null or string ? null : new RequestRow(input);

    /// <summary>
    /// The row's own names (a CSV header, a hashtable's keys) that name no request field. Properties of a .NET type are
    /// not listed: only names someone typed can be misspelt.
    /// </summary>
    public IEnumerable<string> UnknownNames()
    {
        IEnumerable<string> names = _dictionary is not null
            ? _dictionary.Keys.Cast<object?>().Select(key => key?.ToString() ?? string.Empty)
            : _row.Properties.Where(property => property.MemberType == PSMemberTypes.NoteProperty).Select(property => property.Name);
        // A header cell with spaces around it ('prompt ', as a spreadsheet leaves it) is still its field.
        return names.Where(name => !AllNames.Any(field => field.Contains(name.Trim(), StringComparer.OrdinalIgnoreCase)));
    }

    /// <summary>
    /// The row's own names that name no request field, with their values (PowerShell's wrapper removed), in the row's
    /// order: what travels with the task as its <see cref="HiApi.Client.TaskRow"/>.
    /// </summary>
    public IEnumerable<KeyValuePair<string, object?>> OtherProperties()
    {
        IEnumerable<KeyValuePair<string, object?>> all = _dictionary is not null
            ? _dictionary.Cast<DictionaryEntry>().Select(entry => new KeyValuePair<string, object?>(entry.Key?.ToString() ?? string.Empty, Unwrap(entry.Value)))
            : _row.Properties.Where(property => property.MemberType == PSMemberTypes.NoteProperty)
                .Select(property => new KeyValuePair<string, object?>(property.Name, Unwrap(property.Value)));
        return all.Where(pair => !AllNames.Any(field => field.Contains(pair.Key.Trim(), StringComparer.OrdinalIgnoreCase)));
    }

    /// <summary>
    /// The separator a name shows the row was split on the wrong one: a CSV saved with ';' (Excel, where the decimal
    /// separator is a comma) and read by Import-Csv without -Delimiter has one column named "Prompt;Duration;Resolution".
    /// Null when the name is not several field names joined.
    /// </summary>
    public static char? JoinedFieldsSeparator(string name)
    {
        foreach (var separator in new[] { ';', '\t', '|', ',' })
        {
            var pieces = name.Split(separator, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var fields = pieces.Count(piece => AllNames.Any(field => field.Contains(piece, StringComparer.OrdinalIgnoreCase)));
            var subject = pieces.Any(piece => PromptNames.Contains(piece, StringComparer.OrdinalIgnoreCase) || ImageUrlNames.Contains(piece, StringComparer.OrdinalIgnoreCase));
            if (pieces.Length > 1 && (fields >= 2 || subject))
            {
                return separator;
            }
        }

        return null;
    }

    /// <summary>What a request gets when <paramref name="field"/> (a name <see cref="LikelyMeant"/> returns) is not given.</summary>
    public static string WithoutIt(string field) => field switch
    {
        "Prompt" => "the row has no prompt: text-to-video needs one (the API refuses the row), and image-to-video gets no motion prompt",
        "ImageUrl" => "the row is text-to-video, not image-to-video",
        "Model" => "the model follows from whether the row has an image",
        "CallbackUrl" => "HiAPI sends no callback for the row",
        "IdempotencyKey" => "the row's key is derived from the batch and the request",
        _ => $"{field} is the model's default",
    };

    /// <summary>Whether the row gives <paramref name="field"/> (its first name, as <see cref="LikelyMeant"/> returns it).</summary>
    public bool Has(string field) => AllNames.First(names => names[0] == field) is var names && Raw(names) is not null;

    /// <summary>
    /// The field a misspelt name most likely meant (Durations, Durration, Res, aspectratio_), or null for a name that is
    /// simply something else (Scene, Notes): a near miss is one or two letters off, or a start or end of a field's name.
    /// </summary>
    public static string? LikelyMeant(string name)
    {
        var candidate = name.Trim().Replace("_", string.Empty).Replace("-", string.Empty).Replace(" ", string.Empty);
        if (candidate.Length < 3)
        {
            return null;
        }

        foreach (var field in AllNames)
        {
            foreach (var known in field)
            {
                var plain = known.Replace("_", string.Empty);
                var allowed = plain.Length >= 8 ? 2 : 1;
                if (plain.Equals(candidate, StringComparison.OrdinalIgnoreCase)
                    || EditDistance(plain, candidate) <= allowed
                    || plain.StartsWith(candidate, StringComparison.OrdinalIgnoreCase)
                    || candidate.StartsWith(plain, StringComparison.OrdinalIgnoreCase))
                {
                    return field[0];
                }
            }
        }

        return null;
    }

    private static int EditDistance(string a, string b)
    {
        a = a.ToUpperInvariant();
        b = b.ToUpperInvariant();
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }

    private string? Text(string[] names)
    {
        var value = Raw(names);
        if (value is IEnumerable and not string)
        {
            // image_urls as the API spells it: an array of one URL.
            value = ((IEnumerable)value).Cast<object?>().FirstOrDefault();
        }

        return value is null ? null : HiApi.Client.RequestFieldParser.BlankToNull(LanguagePrimitives.ConvertTo<string>(value));
    }

    private object? Raw(string[] names)
    {
        foreach (var name in names)
        {
            if (_dictionary is not null)
            {
                foreach (DictionaryEntry entry in _dictionary)
                {
                    if (string.Equals(entry.Key?.ToString()?.Trim(), name, StringComparison.OrdinalIgnoreCase))
                    {
                        return Unwrap(entry.Value);
                    }
                }
            }
            else if ((_row.Properties[name] ?? SpacedNoteProperty(name)) is { } property)
            {
                return Unwrap(property.Value);
            }
        }

        return null;
    }

    /// <summary>A column whose header has spaces around the field's name ('prompt '): a CSV's header is typed by hand.</summary>
    private PSPropertyInfo? SpacedNoteProperty(string name) =>
        _row.Properties.FirstOrDefault(property => property.MemberType == PSMemberTypes.NoteProperty
            && string.Equals(property.Name.Trim(), name, StringComparison.OrdinalIgnoreCase));

    private static object? Unwrap(object? value) => value is PSObject wrapped ? wrapped.BaseObject : value;
}
