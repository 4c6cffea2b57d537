using System.Globalization;
using System.Text.Json;

namespace HiApi.Client;

/// <summary>
/// One field of a price policy's rule: <c>{"match": value-or-list}</c> (the request's field equals the value, or one of
/// the list) and/or <c>{"with": true|false}</c> (the field is given with a value, or not). Both must hold when both
/// are present. Values compare as JSON: a string never equals a number, and a list field (<c>image_urls</c>) never
/// equals a value, as in HiAPI's own tools.
/// </summary>
public sealed class PriceCondition
{
    internal PriceCondition(string field, IReadOnlyList<object?>? match, bool? with)
    {
        Field = field;
        Match = match;
        With = with;
    }

    /// <summary>The request's input field the condition reads (<c>resolution</c>, <c>duration</c>, <c>image_urls</c>...).</summary>
    public string Field { get; }

    /// <summary>The values the field may equal (strings, decimals, booleans or null); null when the rule has no <c>match</c>.</summary>
    public IReadOnlyList<object?>? Match { get; }

    /// <summary>True: the field must be given with a value; false: it must not be; null when the rule has no <c>with</c>.</summary>
    public bool? With { get; }

    /// <summary>Whether <paramref name="input"/> (the request's <c>input</c> object, as sent) meets the condition.</summary>
    public bool IsMetBy(JsonElement input)
    {
        JsonElement value = default;
        var present = input.ValueKind == JsonValueKind.Object && input.TryGetProperty(Field, out value);
        if (Match is not null && !(present && Match.Any(expected => ValueEquals(value, expected))))
        {
            return false;
        }

        return With is not { } with || HasValue(value) == with;
    }

    public override string ToString()
    {
        var parts = new List<string>(2);
        if (Match is not null)
        {
            parts.Add(Match.Count == 1
                ? $"{Field} = {Show(Match[0])}"
                : $"{Field} in ({string.Join(", ", Match.Select(Show))})");
        }

        if (With is { } with)
        {
            parts.Add(with ? $"{Field} given" : $"no {Field}");
        }

        return string.Join(" and ", parts);
    }

    /// <summary>HiAPI's reading of "given": not absent, null, "", false or an empty list.</summary>
    private static bool HasValue(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.False => false,
        JsonValueKind.String => value.GetString()!.Length > 0,
        JsonValueKind.Array => value.GetArrayLength() > 0,
        _ => true,
    };

    private static bool ValueEquals(JsonElement actual, object? expected) => expected switch
    {
        null => actual.ValueKind == JsonValueKind.Null,
        string text => actual.ValueKind == JsonValueKind.String && string.Equals(actual.GetString(), text, StringComparison.Ordinal),
        decimal number => actual.ValueKind == JsonValueKind.Number && actual.TryGetDecimal(out var sent) && sent == number,
        bool flag => actual.ValueKind == (flag ? JsonValueKind.True : JsonValueKind.False),
        _ => false,
    };

    private static string Show(object? value) => value switch
    {
        null => "null",
        bool flag => flag ? "true" : "false",
        decimal number => number.ToString(CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
