using System.Text.Json.Serialization;

namespace HiApi.Client;

/// <summary>The model's <c>input</c>: only the fields the user set (the schema is strict).</summary>
internal sealed class CreateTaskInput
{
    [JsonPropertyName("image_urls")]
    public string[]? ImageUrls { get; set; }

    [JsonPropertyName("prompt")]
    public string? Prompt { get; set; }

    [JsonPropertyName("aspect_ratio")]
    public string? AspectRatio { get; set; }

    [JsonPropertyName("resolution")]
    public string? Resolution { get; set; }

    [JsonPropertyName("duration")]
    public int? Duration { get; set; }
}
