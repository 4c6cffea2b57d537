using System.Text.Json;

namespace HiApi.Mock.Validation;

/// <summary>
/// An integer field with an inclusive range. JSON Schema semantics: 5.0 is an integer, 5.5 is a type error,
/// and the range messages quote the number exactly as it was sent.
/// </summary>
internal sealed class IntegerFieldRule(string name, bool required, int minimum, int maximum) : FieldRule(name, required)
{
    public int Minimum { get; } = minimum;

    public int Maximum { get; } = maximum;

    public override void Check(JsonElement value, List<string> errors)
    {
        if (value.ValueKind != JsonValueKind.Number || !TryReadInteger(value, out var number))
        {
            errors.Add(TypeError(value, "integer"));
            return;
        }

        var sent = value.GetRawText();
        if (number < Minimum)
        {
            errors.Add($"{Name}: minimum: got {sent}, want {Minimum}");
        }
        else if (number > Maximum)
        {
            errors.Add($"{Name}: maximum: got {sent}, want {Maximum}");
        }
    }

    /// <summary>
    /// Reads a JSON number that is mathematically an integer. Numbers too large for decimal are integers too;
    /// they are clamped to a value just outside any range the schema uses, which keeps the comparison right.
    /// </summary>
    public static bool TryReadInteger(JsonElement value, out decimal number)
    {
        if (value.TryGetDecimal(out number))
        {
            return decimal.Truncate(number) == number;
        }

        if (value.TryGetDouble(out var asDouble))
        {
            if (Math.Floor(asDouble) != asDouble)
            {
                return false;
            }
            number = asDouble < 0 ? decimal.MinValue : decimal.MaxValue;
            return true;
        }

        // Beyond double's range (e.g. 1e400): an integer by JSON Schema's rules, with the sign of its text.
        number = value.GetRawText().StartsWith('-') ? decimal.MinValue : decimal.MaxValue;
        return true;
    }
}
