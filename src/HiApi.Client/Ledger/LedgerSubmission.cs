using System.Text.Json;

namespace HiApi.Client;

/// <summary>
/// One paid submission as the ledger knows it: written before its <c>POST /v1/tasks</c> is sent, with the request and
/// the <c>Idempotency-Key</c> that goes with it, so a process killed mid-request leaves a record of what may have been
/// created. Re-sending the same body with the same key later returns the task HiAPI created (or creates it exactly
/// once): that is how a re-run of the batch (<see cref="HiApiSession.SendAsync"/>) or a settle (<see cref="HiApiSession.SettleAsync"/>)
/// turns an unknown outcome into a task id.
/// </summary>
public sealed class LedgerSubmission
{
    /// <summary>Written before the POST: the outcome is not known yet.</summary>
    public const string SubmittingStatus = "submitting";

    /// <summary>
    /// The API refused the request (400, 401, 402, 403, 422; a 429 or 503 that outlasted the retries) and no attempt
    /// of it may have created a task: nothing was created or charged.
    /// </summary>
    public const string RejectedStatus = "rejected";

    /// <summary>Too old to re-send; a listing of the account's tasks (reconcile) was run instead and took what it found.</summary>
    public const string ReconciledStatus = "reconciled";

    /// <summary>A task id came back; the task itself is a <see cref="LedgerEntry"/>.</summary>
    public const string CreatedStatus = "created";

    public required string IdempotencyKey { get; init; }

    /// <summary>The batch the submission belongs to; null in a ledger written before batches existed.</summary>
    public string? Batch { get; init; }

    /// <summary>The input's position (1, 2, ...) in the run that sent it; null when not recorded.</summary>
    public int? InputNumber { get; init; }

    /// <summary>Exactly what was sent (the same body must go with the same key).</summary>
    public required VideoRequest Request { get; init; }

    /// <summary>The estimate of its cost in USD when it was planned (public prices; not the bill); null when unknown.</summary>
    public decimal? EstimatedCostUsd { get; init; }

    /// <summary>The rest of the input's row, as written with the submission; null when it had none.</summary>
    public TaskRow? Row { get; init; }

    /// <summary>The submission as planned before it was first sent: what re-sending it needs.</summary>
    public PlannedSubmission Planned => new(Request, IdempotencyKey, Batch, InputNumber, EstimatedCostUsd) { Row = Row };

    /// <summary>The request's prompt (for views and <c>Where-Object</c>).</summary>
    public string? Prompt => Request.Prompt;

    public DateTimeOffset? SubmittedAt { get; init; }

    /// <summary><see cref="SubmittingStatus"/>, <see cref="RejectedStatus"/>, <see cref="ReconciledStatus"/> or <see cref="CreatedStatus"/>.</summary>
    public string? Status { get; init; }

    /// <summary>The latest send's id (see <see cref="LedgerRecord.Attempt"/>); null in a ledger written before sends had one.</summary>
    public string? Attempt { get; init; }

    /// <summary>The task the submission created, once known.</summary>
    public string? TaskId { get; init; }

    /// <summary>Why the API refused it, for a rejected submission.</summary>
    public string? ErrorCode { get; init; }

    public string? ErrorMessage { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Fields a newer version wrote for this submission, kept so that compaction writes them back.</summary>
    internal IReadOnlyDictionary<string, JsonElement>? UnknownFields { get; init; }

    /// <summary>Sent (or about to be) but never answered: HiAPI may or may not have created (and charged) a task.</summary>
    public bool IsUnresolved => TaskId is null && Status is not (RejectedStatus or ReconciledStatus);

    /// <summary>The API refused it: nothing was created, so a later run sends it again.</summary>
    public bool IsRejected => TaskId is null && Status == RejectedStatus;

    public override string ToString() => $"{IdempotencyKey} ({TaskId ?? Status ?? "unknown"})";
}
