using System.Text.Json.Serialization;

namespace HiApi.Client;

/// <summary>The body of <c>POST /v1/tasks</c>: <c>{model, input, callback}</c>, nulls omitted.</summary>
internal sealed class CreateTaskBody
{
    [JsonPropertyName("model")]
    public string Model { get; set; } = string.Empty;

    [JsonPropertyName("input")]
    public CreateTaskInput Input { get; set; } = new();

    /// <summary>At the root, not inside <c>input</c>: the seeds are explicit about that.</summary>
    [JsonPropertyName("callback")]
    public CallbackBody? Callback { get; set; }
}
