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

    /// <summary>
    /// What this machine asked for (the body of the create, exactly as sent), or null for a task known only by id or
    /// found by listing (HiAPI does not echo the request back). The request fields below are read from it.
    /// </summary>
    public VideoRequest? Request { get; internal init; }

    public string? Prompt => Request?.Prompt;
    public string? ImageUrl => Request?.ImageUrl;
    public string? AspectRatio => Request?.AspectRatio;
    public string? Resolution => Request?.Resolution;
    public string? CallbackUrl => Request?.CallbackUrl;
    public int? Duration => Request?.Duration;

    /// <summary>The <c>Idempotency-Key</c> this machine submitted the task with (re-sending it never pays twice).</summary>
    public string? IdempotencyKey { get; internal init; }

    /// <summary>The batch (<c>New-HiApiVideoTask -Batch</c>, or the name a run without one was given) the task belongs to.</summary>
    public string? Batch { get; internal init; }

    /// <summary>The task's input's position (1, 2, ...) in the run that submitted it; null when not known.</summary>
    public int? InputNumber { get; internal init; }

    /// <summary>
    /// The rest of the row the task was made from (its columns that are not request fields: <c>Scene</c>, <c>Notes</c>),
    /// kept in the ledger; null for a task made from a prompt, or not known here.
    /// </summary>
    public TaskRow? Row { get; internal init; }
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

    /// <summary>When HiAPI says the task finished (<c>completed</c>); null while it has not, or when not reported.</summary>
    public DateTimeOffset? CompletedAt { get; internal init; }

    /// <summary>Where HiAPI keeps the output (<c>storage</c>: <c>temp</c> on the default plan, so the URL expires).</summary>
    public string? Storage { get; internal init; }

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
    /// The server's fresh state, keeping what only this machine knows: the request, its key, batch and input number, and
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
            Storage = fresh.Storage ?? Storage,
            CompletedAt = fresh.CompletedAt ?? CompletedAt,
            CreatedAt = fresh.CreatedAt ?? CreatedAt,
            Request = Request ?? fresh.Request,
            EstimatedCostUsd = EstimatedCostUsd ?? fresh.EstimatedCostUsd,
            IdempotencyKey = IdempotencyKey ?? fresh.IdempotencyKey,
            Batch = Batch ?? fresh.Batch,
            InputNumber = InputNumber ?? fresh.InputNumber,
            Row = Row ?? fresh.Row,
            SubmittedAt = SubmittedAt ?? fresh.SubmittedAt,
        };
    }

    /// <summary>The same task with what this machine knows of its submission added (the ledger's record of it).</summary>
    internal HiApiTask WithSubmission(
        VideoRequest? request, string? idempotencyKey, string? batch, int? inputNumber, DateTimeOffset? submittedAt, decimal? estimatedCostUsd = null, TaskRow? row = null) => new(TaskId)
    {
        Model = Model ?? request?.Model,
        Status = Status,
        StatusText = StatusText,
        Outputs = Outputs,
        Error = Error,
        RetrievedAt = RetrievedAt,
        Storage = Storage,
        CompletedAt = CompletedAt,
        CreatedAt = CreatedAt,
        Request = request ?? Request,
        EstimatedCostUsd = estimatedCostUsd ?? EstimatedCostUsd,
        IdempotencyKey = idempotencyKey ?? IdempotencyKey,
        Batch = batch ?? Batch,
        InputNumber = inputNumber ?? InputNumber,
        Row = row ?? Row,
        SubmittedAt = submittedAt ?? SubmittedAt,
    };

    /// <summary>The same task carrying <paramref name="row"/>: the row of the input that handed it back now.</summary>
    internal HiApiTask WithRow(TaskRow row) => WithSubmission(null, null, null, null, null, row: row);

    /// <summary>The same task with the server's texts replaced (by <see cref="SecretRedactor"/>, which redacts them).</summary>
    internal HiApiTask WithServerText(string? model, string? statusText, string? storage, IReadOnlyList<TaskOutput> outputs, TaskError? error) => new(TaskId)
    {
        Model = model,
        Status = Status,
        StatusText = statusText,
        Outputs = outputs,
        Error = error,
        RetrievedAt = RetrievedAt,
        Storage = storage,
        CompletedAt = CompletedAt,
        CreatedAt = CreatedAt,
        Request = Request,
        EstimatedCostUsd = EstimatedCostUsd,
        IdempotencyKey = IdempotencyKey,
        Batch = Batch,
        InputNumber = InputNumber,
        Row = Row,
        SubmittedAt = SubmittedAt,
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
