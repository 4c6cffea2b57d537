namespace HiApi.Client;

/// <summary>
/// The one exception type of this library: every error shape of the API, every local refusal
/// (bad input, missing key, existing file) and every failed task ends up here, with a
/// <see cref="Kind"/> to branch on. Messages never contain the API key.
/// </summary>
public sealed class HiApiException : Exception
{
    private readonly IReadOnlyList<FieldError> _fieldErrors = Array.Empty<FieldError>();

    internal HiApiException(HiApiErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
    }

    public HiApiErrorKind Kind { get; }

    /// <summary>The HTTP status, or null when the error was found locally or no answer arrived.</summary>
    public int? StatusCode { get; internal init; }

    /// <summary><c>INVALID_REQUEST</c>, <c>permission_denied</c>, <c>RATE_LIMITED</c>...; for <see cref="HiApiErrorKind.TaskFailed"/> the task's error code.</summary>
    public string? ErrorCode { get; internal init; }

    public IReadOnlyList<FieldError> FieldErrors
    {
        get => _fieldErrors;
        internal init => _fieldErrors = value ?? Array.Empty<FieldError>();
    }

    public string? TaskId { get; internal init; }
    public HiApiTask? Task { get; internal init; }

    /// <summary>
    /// True when a create request reached the server and then failed in a way that does not prove
    /// it was refused: a paid task may exist, so the user must check before submitting again.
    /// </summary>
    public bool TaskMayHaveBeenCreated { get; internal init; }

    /// <summary>What the server's <c>Retry-After</c> asked for, when it sent one.</summary>
    public TimeSpan? RetryAfter { get; internal init; }

    /// <summary>
    /// A downloaded, verified video that could not be put at its target (another file there, a rename that kept
    /// failing) and was kept here instead; null otherwise.
    /// </summary>
    public string? KeptFile { get; internal init; }

    /// <summary>The same error with a different message or create-outcome; exceptions are immutable once thrown.</summary>
    internal HiApiException With(string? message = null, bool? taskMayHaveBeenCreated = null, HiApiTask? task = null, string? keptFile = null) =>
        new(Kind, message ?? Message, InnerException)
        {
            StatusCode = StatusCode,
            ErrorCode = ErrorCode,
            FieldErrors = FieldErrors,
            TaskId = TaskId ?? task?.TaskId,
            Task = task ?? Task,
            TaskMayHaveBeenCreated = taskMayHaveBeenCreated ?? TaskMayHaveBeenCreated,
            RetryAfter = RetryAfter,
            KeptFile = keptFile ?? KeptFile,
        };
}
