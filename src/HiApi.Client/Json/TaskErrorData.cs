using System.Text.Json;
using System.Text.Json.Serialization;

namespace HiApi.Client;

internal sealed class TaskErrorData
{
    /// <summary>A string in the contract; kept raw so a numeric code does not make the whole task unreadable.</summary>
    [JsonPropertyName("code")]
    public JsonElement? Code { get; set; }

    [JsonPropertyName("message")]
    public string? Message { get; set; }
}
