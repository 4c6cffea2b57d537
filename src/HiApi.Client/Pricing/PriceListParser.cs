using System.Globalization;
using System.Text;
using System.Text.Json;

namespace HiApi.Client;

/// <summary>
/// The price list's format rules, read as HiAPI's own video tools read them, and closed to everything else: a row
/// needs a <c>model_name</c>, exactly one factor (<c>duration</c>, <c>seconds</c> or <c>duration_seconds</c>), and
/// positive prices; a policy's rule may only use <c>match</c> and <c>with</c>, and its type may only be <c>fixed</c>
/// or <c>multiply</c>. Anything else makes the row unknown (fail closed). One difference, stricter: every price in a
/// row is checked when it is read, not only when an estimate happens to use it.
/// </summary>
internal static class PriceListParser
{
    private static readonly string[] DurationFactors = ["duration", "seconds", "duration_seconds"];

    public static PriceList Parse(ReadOnlySpan<byte> json, Uri? source, DateTimeOffset retrievedAt)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException)
        {
            throw Unknown($"HiAPI's price list is not JSON: {ApiErrorReader.DescribeNonJson(json.ToArray(), null)}.");
        }

        using (document)
        {
            var root = document.RootElement;
            JsonElement rows;
            if (root.ValueKind == JsonValueKind.Array)
            {
                rows = root;
            }
            else if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array)
            {
                rows = data;
            }
            else
            {
                var message = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("message", out var said) && said.ValueKind == JsonValueKind.String
                    ? $" (it says: {ApiErrorReader.Excerpt(said.GetString()!)})"
                    : string.Empty;
                throw Unknown($"HiAPI's price list holds no rows: expected a JSON array, or an array under \"data\"{message}.");
            }

            var models = new List<ModelPrice>();
            var problems = new List<PriceRowProblem>();
            var rowNumber = 0;
            foreach (var row in rows.EnumerateArray())
            {
                rowNumber++;
                var model = ReadModelName(row);
                if (model is null)
                {
                    problems.Add(new PriceRowProblem(null, rowNumber, row.ValueKind == JsonValueKind.Object ? "it has no model_name" : "it is not an object"));
                    continue;
                }

                try
                {
                    models.Add(ReadRow(row, model, source, retrievedAt));
                }
                catch (RowNotUnderstood problem)
                {
                    problems.Add(new PriceRowProblem(model, rowNumber, problem.Message));
                }
            }

            // A model listed twice is ambiguous: neither row is used.
            var listedTwice = models.Select(m => m.Model).Concat(problems.Where(p => p.Model is not null).Select(p => p.Model!))
                .GroupBy(name => name, StringComparer.Ordinal)
                .Where(group => group.Count() > 1)
                .ToDictionary(group => group.Key, group => group.Count(), StringComparer.Ordinal);
            if (listedTwice.Count > 0)
            {
                foreach (var twice in models.Where(m => listedTwice.ContainsKey(m.Model)).ToList())
                {
                    models.Remove(twice);
                }

                problems.RemoveAll(p => p.Model is not null && listedTwice.ContainsKey(p.Model));
                foreach (var (name, count) in listedTwice)
                {
                    problems.Add(new PriceRowProblem(name, FirstRowOf(rows, name), $"it is listed {count} times, so its price is ambiguous"));
                }

                problems.Sort((a, b) => a.Row.CompareTo(b.Row));
            }

            return new PriceList(models.AsReadOnly(), problems.AsReadOnly(), rowNumber, source, retrievedAt);
        }
    }

    private static string? ReadModelName(JsonElement row) =>
        row.ValueKind == JsonValueKind.Object
        && row.TryGetProperty("model_name", out var name)
        && name.ValueKind == JsonValueKind.String
        && !string.IsNullOrWhiteSpace(name.GetString())
            ? name.GetString()
            : null;

    private static int FirstRowOf(JsonElement rows, string model)
    {
        var index = 0;
        foreach (var row in rows.EnumerateArray())
        {
            index++;
            if (ReadModelName(row) == model)
            {
                return index;
            }
        }

        return index;
    }

    private static ModelPrice ReadRow(JsonElement row, string model, Uri? source, DateTimeOffset retrievedAt)
    {
        var factor = ReadFactor(row);
        var basePrice = ReadBasePrice(row);
        var policies = ReadPolicies(row, basePrice);
        if (basePrice is null && policies.Count == 0)
        {
            throw new RowNotUnderstood("it has no price: no base_usd_value (or model_price) and no policies");
        }

        return new ModelPrice(model, basePrice, factor, policies, source, retrievedAt);
    }

    private static string ReadFactor(JsonElement row)
    {
        const string Expected = "expected exactly one of duration, seconds, duration_seconds";
        if (!row.TryGetProperty("factors", out var factors) || factors.ValueKind != JsonValueKind.Array || factors.GetArrayLength() == 0)
        {
            throw new RowNotUnderstood($"its factors are missing or malformed ({Expected})");
        }

        var names = new List<string>();
        foreach (var factor in factors.EnumerateArray())
        {
            if (factor.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(factor.GetString()))
            {
                throw new RowNotUnderstood($"its factors are missing or malformed ({Expected})");
            }

            names.Add(factor.GetString()!.Trim().ToLowerInvariant());
        }

        var unknown = names.Where(name => !DurationFactors.Contains(name)).ToList();
        if (unknown.Count > 0)
        {
            throw new RowNotUnderstood($"it is priced by {string.Join(", ", unknown)}, a factor this module does not understand ({Expected})");
        }

        if (names.Count != 1)
        {
            throw new RowNotUnderstood($"it has {names.Count} factors ({Expected})");
        }

        return names[0];
    }

    /// <summary><c>base_usd_value</c>, else the older <c>model_price</c> (a null counts as absent, as in HiAPI's tools).</summary>
    private static decimal? ReadBasePrice(JsonElement row)
    {
        foreach (var name in new[] { "base_usd_value", "model_price" })
        {
            if (row.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null)
            {
                return ReadPositive(value, $"its {name}");
            }
        }

        return null;
    }

    private static IReadOnlyList<PricePolicy> ReadPolicies(JsonElement row, decimal? basePrice)
    {
        if (!row.TryGetProperty("policies", out var policies) || policies.ValueKind == JsonValueKind.Null)
        {
            return Array.Empty<PricePolicy>();
        }

        if (policies.ValueKind != JsonValueKind.Array)
        {
            throw new RowNotUnderstood("its policies are not a list");
        }

        var result = new List<PricePolicy>();
        var number = 0;
        foreach (var policy in policies.EnumerateArray())
        {
            number++;
            result.Add(ReadPolicy(policy, $"policy {number}", basePrice));
        }

        return result.AsReadOnly();
    }

    private static PricePolicy ReadPolicy(JsonElement policy, string label, decimal? basePrice)
    {
        if (policy.ValueKind != JsonValueKind.Object)
        {
            throw new RowNotUnderstood($"{label} is not an object");
        }

        var name = policy.TryGetProperty("name", out var named) && named.ValueKind == JsonValueKind.String ? named.GetString() : null;
        var conditions = ReadRule(policy, label);

        // HiAPI's reading: pricing_type if given, else "fixed" when the policy has a usd_value at all.
        string? type = null;
        if (policy.TryGetProperty("pricing_type", out var typed) && typed.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)
            && !(typed.ValueKind == JsonValueKind.String && typed.GetString()!.Length == 0))
        {
            type = typed.ValueKind == JsonValueKind.String ? typed.GetString() : typed.GetRawText();
        }
        else if (policy.TryGetProperty("usd_value", out _))
        {
            type = "fixed";
        }

        switch (type)
        {
            case "fixed":
                var usd = policy.TryGetProperty("usd_value", out var usdValue) && usdValue.ValueKind != JsonValueKind.Null
                    ? ReadPositive(usdValue, $"{label}'s usd_value")
                    : throw new RowNotUnderstood($"{label} is fixed but its usd_value is missing");
                return new PricePolicy(name, conditions, PricingType.Fixed, usd, null, usd);
            case "multiply":
                var multiplier = ReadMultiplier(policy, label);
                if (basePrice is not { } price)
                {
                    throw new RowNotUnderstood($"{label} multiplies the base price, but the row has no base_usd_value (or model_price)");
                }

                return new PricePolicy(name, conditions, PricingType.Multiply, null, multiplier, price * multiplier);
            case null:
                throw new RowNotUnderstood($"{label} has no pricing_type and no usd_value");
            default:
                throw new RowNotUnderstood($"{label} has pricing_type {Quote(type)}, which this module does not understand (only fixed and multiply)");
        }
    }

    /// <summary><c>times</c>, else <c>pricing_value</c> (a null counts as absent).</summary>
    private static decimal ReadMultiplier(JsonElement policy, string label)
    {
        foreach (var name in new[] { "times", "pricing_value" })
        {
            if (policy.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null)
            {
                return ReadPositive(value, $"{label}'s {name}");
            }
        }

        throw new RowNotUnderstood($"{label} is multiply but has no times (or pricing_value)");
    }

    private static IReadOnlyList<PriceCondition> ReadRule(JsonElement policy, string label)
    {
        // No rule (or null): the policy applies to every request, as in HiAPI's tools.
        if (!policy.TryGetProperty("rule", out var rule) || rule.ValueKind == JsonValueKind.Null)
        {
            return Array.Empty<PriceCondition>();
        }

        if (rule.ValueKind != JsonValueKind.Object)
        {
            throw new RowNotUnderstood($"{label}'s rule is not an object");
        }

        var conditions = new List<PriceCondition>();
        var fields = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in rule.EnumerateObject())
        {
            if (!fields.Add(field.Name))
            {
                throw new RowNotUnderstood($"{label}'s rule names {field.Name} twice");
            }

            conditions.Add(ReadCondition(field.Name, field.Value, label));
        }

        return conditions.AsReadOnly();
    }

    private static PriceCondition ReadCondition(string field, JsonElement condition, string label)
    {
        if (condition.ValueKind != JsonValueKind.Object)
        {
            throw new RowNotUnderstood($"{label}'s condition on {field} is not an object (only match and with are understood)");
        }

        IReadOnlyList<object?>? match = null;
        bool? with = null;
        var operators = 0;
        foreach (var op in condition.EnumerateObject())
        {
            operators++;
            switch (op.Name)
            {
                case "match" when match is null:
                    match = ReadMatch(op.Value, field, label);
                    break;
                case "with" when with is null:
                    with = op.Value.ValueKind switch
                    {
                        JsonValueKind.True => true,
                        JsonValueKind.False => false,
                        _ => throw new RowNotUnderstood($"{label}'s condition on {field} has \"with\": {Excerpt(op.Value)}, not true or false"),
                    };
                    break;
                case "match" or "with":
                    throw new RowNotUnderstood($"{label}'s condition on {field} says {op.Name} twice");
                default:
                    throw new RowNotUnderstood($"{label}'s condition on {field} uses the operator {Quote(op.Name)}, which this module does not understand (only match and with)");
            }
        }

        if (operators == 0)
        {
            throw new RowNotUnderstood($"{label}'s condition on {field} is empty (only match and with are understood)");
        }

        return new PriceCondition(field, match, with);
    }

    private static IReadOnlyList<object?> ReadMatch(JsonElement value, string field, string label)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            return new[] { ReadScalar(value, field, label) };
        }

        var values = new List<object?>();
        foreach (var item in value.EnumerateArray())
        {
            values.Add(ReadScalar(item, field, label));
        }

        return values.AsReadOnly();
    }

    private static object? ReadScalar(JsonElement value, string field, string label) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null => null,
        JsonValueKind.Number when value.TryGetDecimal(out var number) => number,
        _ => throw new RowNotUnderstood($"{label}'s condition on {field} matches {Excerpt(value)}, which is not a text, number or true/false"),
    };

    /// <summary>A price or multiplier: a JSON number or a numeric text (HiAPI's tools accept both), greater than zero.</summary>
    private static decimal ReadPositive(JsonElement value, string what)
    {
        var number = 0m;
        var read = value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetDecimal(out number),
            JsonValueKind.String => decimal.TryParse(value.GetString()!.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out number),
            _ => false,
        };
        if (!read)
        {
            throw new RowNotUnderstood($"{what} is {Excerpt(value)}, not a number");
        }

        return number > 0 ? number : throw new RowNotUnderstood($"{what} is {Excerpt(value)}, not a positive number");
    }

    private static string Excerpt(JsonElement value) => TextPreview.Shorten(value.GetRawText(), 43);

    private static string Quote(string text) => "'" + TextPreview.Shorten(text, 43) + "'";

    private static HiApiException Unknown(string message) => new(HiApiErrorKind.PriceUnknown, message);

    /// <summary>Why a row prices nothing; caught per row, never leaves the parser.</summary>
    private sealed class RowNotUnderstood(string message) : Exception(message);
}
