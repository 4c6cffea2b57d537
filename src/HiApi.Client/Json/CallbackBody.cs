using System.Text.Json.Serialization;

namespace HiApi.Client;

internal sealed class CallbackBody
{
    [JsonPropertyName("url")]
    public string Url { get; set; } = string.Empty;

    /// <summary>The API accepts only <c>final</c>.</summary>
    [JsonPropertyName("when")]
    public string When { get; set; } = "final";
}
