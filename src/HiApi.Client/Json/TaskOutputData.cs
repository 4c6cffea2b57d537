using System.Text.Json;
using System.Text.Json.Serialization;

namespace HiApi.Client;

internal sealed class TaskOutputData
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("url")]
    public string? Url { get; set; }

    /// <summary>Unix seconds per the contract; kept raw so a string or fractional value still parses.</summary>
    [JsonPropertyName("expireAt")]
    public JsonElement? ExpireAt { get; set; }
}
