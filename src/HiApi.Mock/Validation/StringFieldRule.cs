using System.Text.Json;

namespace HiApi.Mock.Validation;

/// <summary>A string field, optionally with a minimum length or an enum of allowed values.</summary>
internal sealed class StringFieldRule(string name, bool required, int? minLength = null, IReadOnlyList<string>? allowed = null)
    : FieldRule(name, required)
{
    public override void Check(JsonElement value, List<string> errors)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            // One message per field: a wrong type says nothing useful about the enum.
            errors.Add(TypeError(value, "string"));
            return;
        }

        var text = value.GetString()!;
        if (minLength is { } min)
        {
            // JSON Schema counts code points, not UTF-16 units.
            var length = text.EnumerateRunes().Count();
            if (length < min)
            {
                errors.Add($"{Name}: minLength: got {length}, want {min}");
            }
        }

        if (allowed is not null && !allowed.Contains(text, StringComparer.Ordinal))
        {
            errors.Add($"{Name}: value must be one of {string.Join(", ", allowed.Select(v => $"'{v}'"))}");
        }
    }
}
