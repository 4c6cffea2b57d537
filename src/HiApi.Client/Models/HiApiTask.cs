namespace HiApi.Client;

/// <summary>
/// An immutable snapshot of one task: the server's state when it was read, plus the request this
/// session sent (the API does not echo it back, and a user paying per second wants to see it).
/// </summary>
public sealed class HiApiTask
{
    private readonly IReadOnlyList<TaskOutput> _outputs = Array.Empty<TaskOutput>();

    internal HiApiTask(string taskId)
    {
        if (string.IsNullOrWhiteSpace(taskId))
        {
            throw new ArgumentException("A task id must not be empty.", nameof(taskId));
        }

        TaskId = taskId;
    }

    public string TaskId { get; }
    public string? Model { get; internal init; }
    public HiApiTaskStatus Status { get; internal init; } = HiApiTaskStatus.Unknown;

    /// <summary>The raw <c>status</c> value, kept so an <see cref="HiApiTaskStatus.Unknown"/> status is still readable.</summary>
    public string? StatusText { get; internal init; }

    /// <summary>Only <c>success</c> and <c>fail</c> are final; anything else may still change.</summary>
    public bool IsTerminal => Status is HiApiTaskStatus.Success or HiApiTaskStatus.Fail;

    public IReadOnlyList<TaskOutput> Outputs
    {
        get => _outputs;
        internal init => _outputs = value ?? Array.Empty<TaskOutput>();
    }

    /// <summary>The first output of type <c>video</c>; this is what Save downloads.</summary>
    public string? VideoUrl => VideoOutput?.Url;

    /// <summary>When <see cref="VideoUrl"/> stops working.</summary>
    public DateTimeOffset? ExpiresAt => VideoOutput?.ExpiresAt;

    public TaskError? Error { get; internal init; }

    public string? Prompt { get; internal init; }
    public string? ImageUrl { get; internal init; }
    public string? AspectRatio { get; internal init; }
    public string? Resolution { get; internal init; }
    public string? CallbackUrl { get; internal init; }
    public int? Duration { get; internal init; }

    /// <summary>The <c>Idempotency-Key</c> this machine submitted the task with (re-sending it never pays twice).</summary>
    public string? IdempotencyKey { get; internal init; }

    /// <summary>
    /// The estimated cost in USD when this machine submitted the task: HiAPI's public price list (a public price
    /// before any account discount) times the duration. Null: unknown (no price list, no duration, a task known only
    /// by id). An estimate, not the bill.
    /// </summary>
    public decimal? EstimatedCostUsd { get; internal init; }

    /// <summary>When this session created the task; null for a task only known by id.</summary>
    public DateTimeOffset? SubmittedAt { get; internal init; }

    /// <summary>When HiAPI says it created the task (<c>created</c>), when the API reports it.</summary>
    public DateTimeOffset? CreatedAt { get; internal init; }

    /// <summary>When this state was read from the API (a GET or a callback).</summary>
    public DateTimeOffset? RetrievedAt { get; internal init; }

    private TaskOutput? VideoOutput
    {
        get
        {
            foreach (var output in _outputs)
            {
                if (string.Equals(output.Type, "video", StringComparison.OrdinalIgnoreCase))
                {
                    return output;
                }
            }

            return null;
        }
    }

    /// <summary>
    /// The server's fresh state, keeping what only this session knows: the request fields and
    /// <see cref="SubmittedAt"/>, which a GET never returns.
    /// </summary>
    public HiApiTask WithServerState(HiApiTask fresh)
    {
        ArgumentNullException.ThrowIfNull(fresh);
        if (!string.Equals(fresh.TaskId, TaskId, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The fresh state is for task {fresh.TaskId}, not {TaskId}.", nameof(fresh));
        }

        return new HiApiTask(TaskId)
        {
            Model = fresh.Model ?? Model,
            Status = fresh.Status,
            StatusText = fresh.StatusText,
            Outputs = fresh.Outputs,
            Error = fresh.Error,
            RetrievedAt = fresh.RetrievedAt,
            Prompt = Prompt ?? fresh.Prompt,
            ImageUrl = ImageUrl ?? fresh.ImageUrl,
            AspectRatio = AspectRatio ?? fresh.AspectRatio,
            Resolution = Resolution ?? fresh.Resolution,
            CallbackUrl = CallbackUrl ?? fresh.CallbackUrl,
            Duration = Duration ?? fresh.Duration,
            IdempotencyKey = IdempotencyKey ?? fresh.IdempotencyKey,
            SubmittedAt = SubmittedAt ?? fresh.SubmittedAt,
            CreatedAt = fresh.CreatedAt ?? CreatedAt,
        };
    }

    /// <summary>The same task with <see cref="SubmittedAt"/> set (a task found by listing, submitted at its creation).</summary>
    internal HiApiTask WithSubmittedAt(DateTimeOffset? submittedAt) => new(TaskId)
    {
        Model = Model,
        Status = Status,
        StatusText = StatusText,
        Outputs = Outputs,
        Error = Error,
        RetrievedAt = RetrievedAt,
        Prompt = Prompt,
        ImageUrl = ImageUrl,
        AspectRatio = AspectRatio,
        Resolution = Resolution,
        CallbackUrl = CallbackUrl,
        Duration = Duration,
        IdempotencyKey = IdempotencyKey,
        SubmittedAt = submittedAt ?? SubmittedAt,
        CreatedAt = CreatedAt,
    };

    /// <summary>A task known only by its id (for example typed by the user): its state is not known yet.</summary>
    public static HiApiTask FromId(string taskId) => new(taskId?.Trim() ?? string.Empty);

    /// <summary>Maps the API's <c>status</c> text; values added later become <see cref="HiApiTaskStatus.Unknown"/>.</summary>
    public static HiApiTaskStatus ParseStatus(string? statusText) => statusText?.Trim().ToLowerInvariant() switch
    {
        "queued" => HiApiTaskStatus.Queued,
        "handling" => HiApiTaskStatus.Handling,
        "archiving" => HiApiTaskStatus.Archiving,
        "success" => HiApiTaskStatus.Success,
        "fail" => HiApiTaskStatus.Fail,
        _ => HiApiTaskStatus.Unknown,
    };

    /// <summary>The status as the user should read it: the raw text when the enum cannot name it.</summary>
    internal string DescribeStatus() =>
        Status == HiApiTaskStatus.Unknown && !string.IsNullOrEmpty(StatusText)
            ? StatusText!
            : Status.ToString().ToLowerInvariant();

    public override string ToString() =>
        Status == HiApiTaskStatus.Unknown && !string.IsNullOrEmpty(StatusText)
            ? $"{TaskId} Unknown({StatusText})"
            : $"{TaskId} {Status}";
}
