using System.Globalization;

namespace HiApi.Client;

/// <summary>
/// The one way this module reads a number written as text (an amount of USD, a size, seconds): ASCII digits with an
/// optional '.' decimal point, white space around it ignored, the same in every culture. Anything else is refused,
/// never guessed: "0,05" is 0.05 to a German and 5 to the invariant culture, so a comma is neither a decimal point nor
/// a thousands separator here; nor are a sign, an exponent, a currency sign or a unit accepted.
/// </summary>
public static class PlainNumber
{
    /// <summary>How to write one, for error messages.</summary>
    public const string Rule = "digits with '.' as the decimal point, such as 2.50 (no thousands separators, no sign, no currency sign or unit)";

    public static bool TryParse(string? text, out decimal value)
    {
        value = 0;
        return text is not null
            && decimal.TryParse(text.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
    }
}
