using System.Text.Json.Serialization;

namespace HiApi.Client;

/// <summary>A task as the API describes it. Unknown fields are ignored: the API may add some.</summary>
internal sealed class TaskData
{
    [JsonPropertyName("taskId")]
    public string? TaskId { get; set; }

    [JsonPropertyName("model")]
    public string? Model { get; set; }

    [JsonPropertyName("status")]
    public string? Status { get; set; }

    [JsonPropertyName("storage")]
    public string? Storage { get; set; }

    [JsonPropertyName("output")]
    public List<TaskOutputData?>? Output { get; set; }

    [JsonPropertyName("error")]
    public TaskErrorData? Error { get; set; }

    /// <summary>Unix seconds (the SDK's <c>created</c>); read with the same tolerance as <c>expireAt</c>.</summary>
    [JsonPropertyName("created")]
    [JsonConverter(typeof(ExpireAtConverter))]
    public DateTimeOffset? Created { get; set; }

    /// <summary>Unix seconds when the task finished; <c>0</c> while it has not (read as "not yet", never as 1970).</summary>
    [JsonPropertyName("completed")]
    [JsonConverter(typeof(ExpireAtConverter))]
    public DateTimeOffset? Completed { get; set; }
}
