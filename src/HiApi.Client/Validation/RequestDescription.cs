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
        var subject = request.Prompt is { Length: > 0 } prompt ? $"prompt '{TextPreview.Shorten(prompt, PromptPreviewLength)}'" : "no prompt";
        var image = request.ImageUrl is null ? string.Empty : $", image {request.ImageUrl}";
        return $"Submit a paid task to {request.Model}: {duration} at {resolution}, {subject}{image}.";
    }

    /// <summary>The request in a few words, for a sentence about it: its prompt's start, else its image.</summary>
    public static string Subject(VideoRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Prompt is { Length: > 0 } prompt
            ? $"prompt '{TextPreview.Shorten(prompt, PromptPreviewLength)}'"
            : $"image {request.ImageUrl ?? "(none)"}";
    }
}
