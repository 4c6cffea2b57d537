using System.Text.Json.Serialization;

namespace HiApi.Client;

/// <summary>Source-generated serialisation: no reflection, fast start-up for a cmdlet run once.</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(CreateTaskBody))]
[JsonSerializable(typeof(CreateTaskResponse))]
[JsonSerializable(typeof(TaskResponse))]
[JsonSerializable(typeof(TaskData))]
internal sealed partial class HiApiJsonContext : JsonSerializerContext
{
}
