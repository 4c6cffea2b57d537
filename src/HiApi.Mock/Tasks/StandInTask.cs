namespace HiApi.Mock.Tasks;

/// <summary>
/// One task of the stand-in. Its status follows from the monotonic time since creation and the render time in force
/// at creation, so it is exact, never goes backwards and needs no timer.
/// </summary>
internal sealed class StandInTask
{
    public required string Id { get; init; }
    public required string Model { get; init; }
    public required string? Prompt { get; init; }
    public required int? Duration { get; init; }
    public required string? CallbackUrl { get; init; }
    public required string? IdempotencyKey { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required long CreatedTimestamp { get; init; }
    public required TimeProvider Clock { get; init; }
    public required TimeSpan RenderTime { get; init; }
    public required TaskFailure? Failure { get; init; }

    /// <summary>What the task costs on success; reserved at creation.</summary>
    public required decimal Cost { get; init; }

    /// <summary>How long the output URL works after success.</summary>
    public required TimeSpan OutputLifetime { get; init; }

    /// <summary>Unix seconds at which the output URL stops working: rounded up, so it lives at least the lifetime.</summary>
    public long ExpireAtUnixSeconds =>
        (long)Math.Ceiling((FinishedAt.ToUnixTimeMilliseconds() + (long)OutputLifetime.TotalMilliseconds) / 1000.0);

    private TimeSpan Queued => RenderTime / 4;

    private TimeSpan Handling => RenderTime / 2;

    /// <summary>A failing task fails when handling ends; a succeeding one after archiving.</summary>
    public TimeSpan TimeToFinish => Failure is null ? RenderTime : Queued + Handling;

    public DateTimeOffset FinishedAt => CreatedAt + TimeToFinish;

    public TimeSpan Elapsed => Clock.GetElapsedTime(CreatedTimestamp);

    public bool IsFinished => Elapsed >= TimeToFinish;

    public string Status
    {
        get
        {
            var elapsed = Elapsed;
            if (elapsed >= TimeToFinish)
            {
                return Failure is null ? TaskStatuses.Success : TaskStatuses.Fail;
            }

            return elapsed < Queued ? TaskStatuses.Queued
                : elapsed < Queued + Handling ? TaskStatuses.Handling
                : TaskStatuses.Archiving;
        }
    }

    public MockTaskInfo ToInfo() =>
        new(Id, Model, Status, Prompt, Duration, IdempotencyKey, CallbackUrl, CreatedAt, FinishedAt);
}
