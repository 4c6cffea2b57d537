using System.Text.Json.Serialization;

namespace HiApi.Client;

internal sealed class TaskOutputData
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("url")]
    public string? Url { get; set; }

    /// <summary>Unix seconds per the contract; a string, fractional or millisecond value still parses.</summary>
    [JsonPropertyName("expireAt")]
    [JsonConverter(typeof(ExpireAtConverter))]
    public DateTimeOffset? ExpireAt { get; set; }
}
