namespace HiApi.Client;

/// <summary>
/// What -WhatIf and -Confirm show before a paid submission: everything that sets the price, its estimate, and the prompt
/// (long enough to tell one scene of a storyboard from the next).
/// </summary>
public static class RequestDescription
{
    /// <summary>A -WhatIf line shows this much of the prompt: most prompts whole, so scenes can be told apart.</summary>
    private const int PromptPreviewLength = 160;

    /// <summary>A sentence about a request (an error, a settle) names it more briefly.</summary>
    private const int SubjectPreviewLength = 60;

    public static string Describe(VideoRequest request, CostEstimate? estimate = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var duration = request.Duration is int seconds ? $"{seconds} s" : "the model's default duration";
        var resolution = request.Resolution ?? "default resolution";
        var subject = request.Prompt is { Length: > 0 } prompt ? $"prompt '{TextPreview.Shorten(prompt, PromptPreviewLength)}'" : "no prompt";
        var image = request.ImageUrl is null ? string.Empty : $", image {request.ImageUrl}";
        var cost = estimate is null ? string.Empty : $" ({Cost(estimate)})";
        return $"Submit a paid task to {request.Model}: {duration} at {resolution}{cost}, {subject}{image}.";
    }

    /// <summary>"estimated $0.03 = 3 s x $0.01/s", or "estimate unknown: why"; empty without an estimate.</summary>
    public static string Cost(CostEstimate? estimate) => estimate switch
    {
        null => string.Empty,
        { Usd: { } usd, UsdPerSecond: { } rate } => $"estimated {UsdFormat.Format(usd)} = {estimate.Duration} s x {UsdFormat.PerSecond(rate)}",
        _ => $"estimate unknown: {estimate.UnknownReason}",
    };

    /// <summary>The request in a few words, for a sentence about it: its prompt's start, else its image.</summary>
    public static string Subject(VideoRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Prompt is { Length: > 0 } prompt
            ? $"prompt '{TextPreview.Shorten(prompt, SubjectPreviewLength)}'"
            : $"image {request.ImageUrl ?? "(none)"}";
    }
}
