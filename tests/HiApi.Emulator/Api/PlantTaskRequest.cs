using HiApi.Emulator.Tasks;

namespace HiApi.Emulator.Api;

/// <summary>The body of <c>POST /_emulator/tasks</c>: a task to plant verbatim under a key.</summary>
internal sealed class PlantTaskRequest
{
    public const string DefaultApiKey = "sk-test-emulator";

    /// <summary>The owner; <see cref="DefaultApiKey"/> when absent. Must be a configured key.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Any string: any length, any characters (GET it with the id URL-escaped).</summary>
    public string? TaskId { get; set; }

    public string? Model { get; set; }

    /// <summary>Any text, including "" and values the lifecycle never uses.</summary>
    public string? Status { get; set; }

    public List<PlantedOutput>? Output { get; set; }

    public PlantedError? Error { get; set; }

    /// <summary>Unix seconds; the emulator's clock now when absent.</summary>
    public long? Created { get; set; }
}
