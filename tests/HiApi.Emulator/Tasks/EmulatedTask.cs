using HiApi.Mock.Tasks;

namespace HiApi.Emulator.Tasks;

/// <summary>
/// One task. Its status is derived from the monotonic time since creation and the timings in force at creation,
/// so it is exact, never goes backwards and needs no timer.
/// </summary>
internal sealed class EmulatedTask
{
    public required string Id { get; init; }
    public required string Model { get; init; }

    /// <summary>The owner's key, kept only to match later requests; never printed.</summary>
    public required string ApiKey { get; init; }
    public required string ApiKeyLabel { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required long CreatedTimestamp { get; init; }

    /// <summary>The clock <see cref="CreatedTimestamp"/> was read from (the system's, or a test's manual one).</summary>
    public required TimeProvider Clock { get; init; }
    public required int QueuedMs { get; init; }
    public required int HandlingMs { get; init; }
    public required int ArchivingMs { get; init; }
    public required int? Duration { get; init; }
    public required string? Prompt { get; init; }
    public required string? CallbackUrl { get; init; }
    public required TaskFailure? Failure { get; init; }

    /// <summary>What the task costs on success; reserved at creation.</summary>
    public required decimal Cost { get; init; }

    /// <summary>Unix seconds after which the output URL stops working (meaningful for success only).</summary>
    public required long ExpireAtUnixSeconds { get; init; }

    /// <summary>Set for a task planted verbatim: its fixed answer replaces the lifecycle.</summary>
    public PlantedContent? Planted { get; init; }

    /// <summary>A failing task fails at the end of handling; a succeeding one after archiving.</summary>
    public TimeSpan TimeToFinish => TimeSpan.FromMilliseconds(
        Failure is null ? (long)QueuedMs + HandlingMs + ArchivingMs : (long)QueuedMs + HandlingMs);

    public DateTimeOffset FinishedAt => CreatedAt + TimeToFinish;

    public TimeSpan Elapsed => Clock.GetElapsedTime(CreatedTimestamp);

    public bool IsFinished => Elapsed >= TimeToFinish;

    public string Status
    {
        get
        {
            if (Planted is { } planted)
            {
                return planted.Status;
            }
            var elapsedMs = Elapsed.TotalMilliseconds;
            if (elapsedMs < QueuedMs)
            {
                return TaskStatuses.Queued;
            }
            if (elapsedMs < (double)QueuedMs + HandlingMs)
            {
                return TaskStatuses.Handling;
            }
            if (Failure is not null)
            {
                return TaskStatuses.Fail;
            }
            return elapsedMs < (double)QueuedMs + HandlingMs + ArchivingMs ? TaskStatuses.Archiving : TaskStatuses.Success;
        }
    }

    /// <summary>The label tests and logs may show: the first 7 characters of the key and an ellipsis.</summary>
    public static string LabelFor(string apiKey) => (apiKey.Length > 7 ? apiKey[..7] : apiKey) + "…";

    public EmulatedTaskInfo ToInfo() =>
        new(Id, Model, ApiKeyLabel, Status, CreatedAt, FinishedAt, Duration, Prompt);
}
