using System.Text.Json;

namespace HiApi.Client;

/// <summary>
/// Estimates what a request costs from HiAPI's public price list: the unit price of the model's row for the request
/// (the most specific matching policy's, else the base price) times the request's duration. The rules read the
/// request's <c>input</c> exactly as <c>POST /v1/tasks</c> would send it, so a policy on any input field (resolution,
/// aspect ratio, duration, image or not) sees what HiAPI will see. Never throws for a request it cannot price: the
/// estimate is unknown, with the reason.
/// </summary>
public sealed class PriceEstimator
{
    private readonly string? _unavailable;

    private PriceEstimator(PriceList? priceList, string? unavailable)
    {
        PriceList = priceList;
        _unavailable = unavailable;
    }

    /// <summary>The price list estimates come from; null when it could not be read.</summary>
    public PriceList? PriceList { get; }

    public static PriceEstimator For(PriceList priceList) => new(priceList ?? throw new ArgumentNullException(nameof(priceList)), null);

    /// <summary>An estimator without a price list: every estimate is unknown, for the reason <paramref name="error"/> gives.</summary>
    public static PriceEstimator Unavailable(HiApiException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new PriceEstimator(null, error.Message.TrimEnd('.'));
    }

    public CostEstimate Estimate(VideoRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var model = request.Model;
        if (PriceList is null)
        {
            return CostEstimate.Unknown(model, request.Duration, _unavailable!);
        }

        if (string.IsNullOrEmpty(model))
        {
            return CostEstimate.Unknown(model, request.Duration, "the request names no model");
        }

        if (!PriceList.TryGetModel(model, out var price, out var problem))
        {
            return CostEstimate.Unknown(model, request.Duration, problem);
        }

        if (request.Duration is not { } duration)
        {
            return CostEstimate.Unknown(model, null,
                "the request has no duration, and the model's default duration is not published; give a duration (3 to 15 seconds)");
        }

        if (duration <= 0)
        {
            return CostEstimate.Unknown(model, duration, $"a duration of {duration} s is not a length of video");
        }

        using var body = JsonDocument.Parse(TaskJson.SerializeCreateBody(request));
        var input = body.RootElement.TryGetProperty("input", out var sent) ? sent : default;
        return price.TryGetUnitPrice(input, out var usdPerSecond, out var policy, out var noPrice)
            ? CostEstimate.Known(model, duration, usdPerSecond, policy)
            : CostEstimate.Unknown(model, duration, noPrice!);
    }
}
