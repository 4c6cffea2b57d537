namespace HiApi.Client;

/// <summary>
/// What one request is estimated to cost: HiAPI's public price per second (before any account discount) times its
/// duration. An estimate, not the bill. Unknown (<see cref="Usd"/> null, with the reason) rather than guessed when the
/// price list cannot be read or does not cover the request, or the request has no duration.
/// </summary>
public sealed class CostEstimate
{
    private CostEstimate(string? model, int? duration, decimal? usdPerSecond, decimal? usd, PricePolicy? policy, string? unknownReason)
    {
        Model = model;
        Duration = duration;
        UsdPerSecond = usdPerSecond;
        Usd = usd;
        Policy = policy;
        UnknownReason = unknownReason;
    }

    public string? Model { get; }

    /// <summary>The seconds priced: the request's duration.</summary>
    public int? Duration { get; }

    /// <summary>The unit price that applies to the request; null when unknown.</summary>
    public decimal? UsdPerSecond { get; }

    /// <summary>The estimate in USD; null when unknown.</summary>
    public decimal? Usd { get; }

    /// <summary>The policy whose price applies; null when the row's base price does (or the estimate is unknown).</summary>
    public PricePolicy? Policy { get; }

    /// <summary>Why there is no estimate; null when there is one.</summary>
    public string? UnknownReason { get; }

    public bool IsKnown => Usd.HasValue;

    internal static CostEstimate Known(string model, int duration, decimal usdPerSecond, PricePolicy? policy) =>
        new(model, duration, usdPerSecond, usdPerSecond * duration, policy, null);

    /// <summary>An estimate that cannot be made, with the reason in words.</summary>
    public static CostEstimate Unknown(string? model, int? duration, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new CostEstimate(model, duration, null, null, null, reason);
    }

    /// <summary>The <see cref="HiApiErrorKind.PriceUnknown"/> error for an unknown estimate.</summary>
    public HiApiException ToException() => IsKnown
        ? throw new InvalidOperationException("The estimate is known.")
        : new HiApiException(HiApiErrorKind.PriceUnknown, $"The cost cannot be estimated: {UnknownReason}.");

    /// <summary>"$0.045 (3 s x $0.015/s)", or "cost unknown: the reason".</summary>
    public override string ToString() => Usd is { } usd
        ? $"{UsdFormat.Format(usd)} ({Duration} s x {UsdFormat.PerSecond(UsdPerSecond!.Value)})"
        : $"cost unknown: {UnknownReason}";
}
