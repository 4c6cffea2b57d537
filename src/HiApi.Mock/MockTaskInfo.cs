namespace HiApi.Mock;

/// <summary>A task the stand-in created (and, on the real API, charged for), as it stands at the moment of the snapshot.</summary>
/// <param name="Status"><c>queued</c>, <c>handling</c>, <c>archiving</c>, <c>success</c> or <c>fail</c>.</param>
/// <param name="FinishedAt">When it becomes (or became) success or fail.</param>
/// <param name="Duration">The duration as sent; null when the request left it to the model.</param>
public sealed record MockTaskInfo(
    string TaskId,
    string Model,
    string Status,
    string? Prompt,
    int? Duration,
    string? IdempotencyKey,
    string? CallbackUrl,
    DateTimeOffset CreatedAt,
    DateTimeOffset FinishedAt);
