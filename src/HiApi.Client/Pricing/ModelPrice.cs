using System.Text.Json;

namespace HiApi.Client;

/// <summary>
/// One model's row of HiAPI's public price list, understood: a price per generated second (the base price, and the
/// policies that replace it for some requests). Prices are public prices before any account discount.
/// </summary>
public sealed class ModelPrice
{
    internal ModelPrice(string model, decimal? usdPerSecond, string durationFactor, IReadOnlyList<PricePolicy> policies, Uri? source, DateTimeOffset retrievedAt)
    {
        Model = model;
        UsdPerSecond = usdPerSecond;
        DurationFactor = durationFactor;
        Policies = policies;
        Source = source;
        RetrievedAt = retrievedAt;
    }

    /// <summary>The model id (<c>model_name</c>), as sent in <c>POST /v1/tasks</c>.</summary>
    public string Model { get; }

    /// <summary>
    /// The base price per generated second (<c>base_usd_value</c>, or the older <c>model_price</c>): what a request
    /// that no policy matches pays. Null when the row has none and only its policies price requests.
    /// </summary>
    public decimal? UsdPerSecond { get; }

    /// <summary>The row's one factor, the request's duration: <c>duration</c>, <c>seconds</c> or <c>duration_seconds</c>.</summary>
    public string DurationFactor { get; }

    /// <summary>The policies, in the price list's order.</summary>
    public IReadOnlyList<PricePolicy> Policies { get; }

    /// <summary>Where the price list was read.</summary>
    public Uri? Source { get; }

    /// <summary>When the price list was read.</summary>
    public DateTimeOffset RetrievedAt { get; }

    /// <summary>
    /// The unit price for a request whose <c>input</c> object (as sent) is <paramref name="input"/>: the most specific
    /// matching policy's (the one whose rule reads the most fields; of equally specific ones, the dearest, so an
    /// estimate never comes out low), else the base price. False, with the reason, when no policy matches and the row
    /// has no base price.
    /// </summary>
    public bool TryGetUnitPrice(JsonElement input, out decimal usdPerSecond, out PricePolicy? policy, out string? problem)
    {
        policy = null;
        foreach (var candidate in Policies)
        {
            if (!candidate.Matches(input))
            {
                continue;
            }

            if (policy is null
                || candidate.Specificity > policy.Specificity
                || (candidate.Specificity == policy.Specificity && candidate.UsdPerSecond > policy.UsdPerSecond))
            {
                policy = candidate;
            }
        }

        if (policy is not null)
        {
            usdPerSecond = policy.UsdPerSecond;
            problem = null;
            return true;
        }

        if (UsdPerSecond is { } basePrice)
        {
            usdPerSecond = basePrice;
            problem = null;
            return true;
        }

        usdPerSecond = 0;
        problem = $"no policy of {Model}'s price row matches the request, and the row has no base price";
        return false;
    }

    /// <summary>"happyhorse-1.1/text-to-video: $0.01/s; resolution = 1080p: $0.015/s (base x 1.5)".</summary>
    public override string ToString()
    {
        var parts = new List<string> { UsdPerSecond is { } price ? UsdFormat.PerSecond(price) : "no base price" };
        parts.AddRange(Policies.Select(policy => policy.ToString()));
        return $"{Model}: {string.Join("; ", parts)}";
    }
}
