namespace HiApi.Emulator;

/// <summary>
/// A task as the emulator sees it at the moment of the snapshot.
/// </summary>
/// <param name="ApiKeyLabel">Never the full key: its first 7 characters and an ellipsis.</param>
/// <param name="FinishedAt">When the task becomes (or became) success or fail.</param>
/// <param name="Duration">The duration as sent; null when the request left it to the model default.</param>
public sealed record EmulatedTaskInfo(
    string TaskId,
    string Model,
    string ApiKeyLabel,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset FinishedAt,
    int? Duration,
    string? Prompt);
