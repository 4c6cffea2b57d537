using System.Text.Json.Serialization;

namespace HiApi.Client;

/// <summary>The envelope of <c>GET /v1/tasks/{taskId}</c> (and of most callbacks).</summary>
internal sealed class TaskResponse
{
    [JsonPropertyName("code")]
    public int? Code { get; set; }

    [JsonPropertyName("data")]
    public TaskData? Data { get; set; }

    [JsonPropertyName("message")]
    public string? Message { get; set; }
}
