using System.Text.Json.Serialization;

namespace HiApi.Client;

/// <summary><c>{"code":200,"data":{"taskId":"tk-hiapi-..."},"message":"success"}</c>.</summary>
internal sealed class CreateTaskResponse
{
    [JsonPropertyName("code")]
    public int? Code { get; set; }

    [JsonPropertyName("data")]
    public CreatedTaskData? Data { get; set; }

    [JsonPropertyName("message")]
    public string? Message { get; set; }
}
