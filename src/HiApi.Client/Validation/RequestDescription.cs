namespace HiApi.Client;

/// <summary>What -WhatIf and -Confirm show before a paid submission: everything that sets the price, and the start of the prompt.</summary>
public static class RequestDescription
{
    private const int PromptPreviewLength = 40;

    public static string Describe(VideoRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var duration = request.Duration is int seconds ? $"{seconds} s" : "the model's default duration";
        var resolution = request.Resolution ?? "default resolution";
        var subject = request.Prompt is { Length: > 0 } prompt ? $"prompt '{Shorten(prompt)}'" : "no prompt";
        var image = request.ImageUrl is null ? string.Empty : $", image {request.ImageUrl}";
        return $"Submit a paid task to {request.Model}: {duration} at {resolution}, {subject}{image}.";
    }

    private static string Shorten(string text)
        => text.Length <= PromptPreviewLength ? text : text[..PromptPreviewLength] + "...";
}
