namespace HiApi.Client;

/// <summary>The model ids this library knows how to validate and submit.</summary>
public static class HiApiModels
{
    public const string TextToVideo = "happyhorse-1.1/text-to-video";
    public const string ImageToVideo = "happyhorse-1.1/image-to-video";

    /// <summary>Every supported model id, in the order the server lists them in its error message.</summary>
    public static IReadOnlyList<string> All { get; } = Array.AsReadOnly(new[] { TextToVideo, ImageToVideo });
}
