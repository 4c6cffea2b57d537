namespace HiApi.Client;

/// <summary>What went wrong, so scripts can branch without parsing messages.</summary>
public enum HiApiErrorKind
{
    InvalidRequest,
    Unauthorized,
    InsufficientBalance,
    RateLimited,
    NotFound,
    ServerError,
    Network,
    InvalidResponse,
    TaskFailed,
    Timeout,
    NotReady,
    OutputExpired,
    FileExists,
    Configuration,

    /// <summary>A download that is not a whole, valid MP4 (an HTML page, a body cut short): nothing was saved.</summary>
    InvalidVideo,

    /// <summary>The local file system refused: disk full, read-only folder, a name too long.</summary>
    FileSystem,

    /// <summary>A signed callback whose signature or timestamp does not verify: a forgery, or the wrong secret.</summary>
    InvalidSignature,

    /// <summary>The same idempotency key was sent with a different body (422 IDEMPOTENCY_KEY_MISMATCH).</summary>
    IdempotencyConflict,

    /// <summary><c>-Resume</c> found no unfinished earlier batch holding the input: nothing was sent.</summary>
    NothingToResume,

    /// <summary>
    /// No estimate: HiAPI's public price list could not be read, or says something its format rules do not cover
    /// (no row for the model, an unknown operator or factor, a missing or zero price), or the request has no duration.
    /// Never a guessed price.
    /// </summary>
    PriceUnknown,

    /// <summary>The input was not sent: its estimated cost would take the total past the local budget.</summary>
    BudgetExceeded,

    /// <summary>A second task of one save command aimed at a file another task of it already takes: not downloaded.</summary>
    FileNameCollision,

    /// <summary>
    /// A -FileName that cannot name a task's file: a template that cannot be read, a placeholder the task and its row do
    /// not have, a name that is empty or would leave the folder. Nothing was downloaded for that task.
    /// </summary>
    InvalidFileName,
}
