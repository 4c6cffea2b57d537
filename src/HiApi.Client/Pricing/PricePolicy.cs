using System.Globalization;
using System.Text.Json;

namespace HiApi.Client;

/// <summary>
/// One policy of a price row: when every condition of its rule holds for a request, its unit price applies instead
/// of the row's base price (the most specific matching policy wins; see <see cref="ModelPrice"/>).
/// </summary>
public sealed class PricePolicy
{
    internal PricePolicy(string? name, IReadOnlyList<PriceCondition> conditions, PricingType type, decimal? fixedUsdPerSecond, decimal? multiplier, decimal usdPerSecond)
    {
        Name = name;
        Conditions = conditions;
        Type = type;
        FixedUsdPerSecond = fixedUsdPerSecond;
        Multiplier = multiplier;
        UsdPerSecond = usdPerSecond;
    }

    /// <summary>The policy's <c>name</c> in the price list, when it has one.</summary>
    public string? Name { get; }

    /// <summary>The rule, one condition per field; empty: the policy applies to every request.</summary>
    public IReadOnlyList<PriceCondition> Conditions { get; }

    public PricingType Type { get; }

    /// <summary>A <see cref="PricingType.Fixed"/> policy's <c>usd_value</c>.</summary>
    public decimal? FixedUsdPerSecond { get; }

    /// <summary>A <see cref="PricingType.Multiply"/> policy's <c>times</c> (or <c>pricing_value</c>).</summary>
    public decimal? Multiplier { get; }

    /// <summary>The price per generated second when the policy applies.</summary>
    public decimal UsdPerSecond { get; }

    /// <summary>How specific the rule is: the number of fields it reads. The most specific matching policy wins.</summary>
    public int Specificity => Conditions.Count;

    /// <summary>Whether every condition holds for <paramref name="input"/>, the request's <c>input</c> object as sent.</summary>
    public bool Matches(JsonElement input) => Conditions.All(condition => condition.IsMetBy(input));

    /// <summary>"resolution = 1080p: $0.015/s (base x 1.5)".</summary>
    public override string ToString()
    {
        var rule = Conditions.Count == 0 ? "every request" : string.Join(" and ", Conditions);
        var how = Type == PricingType.Multiply
            ? $" (base x {Multiplier!.Value.ToString(CultureInfo.InvariantCulture)})"
            : string.Empty;
        return $"{rule}: {UsdFormat.PerSecond(UsdPerSecond)}{how}";
    }
}
