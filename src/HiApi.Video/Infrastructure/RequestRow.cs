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
                    if (string.Equals(entry.Key?.ToString(), name, StringComparison.OrdinalIgnoreCase))
                    {
                        return Unwrap(entry.Value);
                    }
                }
            }
            else if (_row.Properties[name] is { } property)
            {
                return Unwrap(property.Value);
            }
        }

        return null;
    }

    private static object? Unwrap(object? value) => value is PSObject wrapped ? wrapped.BaseObject : value;
}
