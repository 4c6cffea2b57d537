using System.Text.Json.Serialization;

namespace HiApi.Client;

internal sealed class CreatedTaskData
{
    [JsonPropertyName("taskId")]
    public string? TaskId { get; set; }
}
