using System.Globalization;

namespace HiApi.Client;

/// <summary>
/// Reads request fields that arrive as loose values (a CSV cell is text; a script may pass a double) strictly, the way
/// the API's JSON schema would judge them, instead of the way a shell converts them: <c>"3.5"</c> is not rounded to 4,
/// <c>"1e1"</c> and <c>"0x0A"</c> are not 10, <c>"abc"</c> is not silently dropped (duration is the price lever and must
/// never be guessed). A blank value means "not given". Errors are field errors in the API's words.
/// </summary>
public static class RequestFieldParser
{
    private const string DurationField = "duration";

    /// <summary>
    /// <paramref name="value"/> as a duration in seconds: null for "not given" (null, or blank text); an integer (or an
    /// integer-valued number, as JSON Schema counts 5.0 as an integer) as is; plain integer text (optional sign, ASCII
    /// digits, surrounding spaces) parsed with the invariant culture. Anything else is an error. The range (3..15) is
    /// the validator's business; a number too large for an int is reported here, in the same words.
    /// </summary>
    public static bool TryParseDuration(object? value, out int? seconds, out FieldError? error)
    {
        seconds = null;
        error = null;
        switch (value)
        {
            case null:
                return true;
            case int number:
                seconds = number;
                return true;
            case long or short or byte or sbyte or ushort or uint or ulong:
                return FromInteger(Convert.ToDecimal(value, CultureInfo.InvariantCulture), out seconds, out error);
            case double or float or decimal:
                var real = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                if (double.IsFinite(real) && Math.Floor(real) == real)
                {
                    return FromInteger((decimal)real, out seconds, out error);
                }

                error = new FieldError(DurationField, $"got number {real.ToString(CultureInfo.InvariantCulture)}, want integer");
                return false;
            case string text:
                var trimmed = text.Trim();
                if (trimmed.Length == 0)
                {
                    return true;
                }

                if (IsPlainInteger(trimmed) && decimal.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
                {
                    return FromInteger(parsed, out seconds, out error);
                }

                error = new FieldError(DurationField, $"got string \"{Shorten(trimmed)}\", want integer");
                return false;
            case bool:
                error = new FieldError(DurationField, "got boolean, want integer");
                return false;
            default:
                error = new FieldError(DurationField, $"got {value.GetType().Name}, want integer");
                return false;
        }
    }

    /// <summary>Text that means "not given" (null, empty, or only white space) becomes null; anything else is kept as is.</summary>
    public static string? BlankToNull(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static bool FromInteger(decimal value, out int? seconds, out FieldError? error)
    {
        seconds = null;
        error = null;
        if (value > int.MaxValue)
        {
            error = new FieldError(DurationField, $"maximum: got {value.ToString(CultureInfo.InvariantCulture)}, want {HiApiSchema.MaxDuration}");
            return false;
        }

        if (value < int.MinValue)
        {
            error = new FieldError(DurationField, $"minimum: got {value.ToString(CultureInfo.InvariantCulture)}, want {HiApiSchema.MinDuration}");
            return false;
        }

        seconds = (int)value;
        return true;
    }

    /// <summary>An optional sign, then ASCII digits only: no decimal point, exponent, hex prefix, grouping or other digits.</summary>
    private static bool IsPlainInteger(string text)
    {
        var start = text[0] is '+' or '-' ? 1 : 0;
        if (start == text.Length)
        {
            return false;
        }

        for (var i = start; i < text.Length; i++)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
