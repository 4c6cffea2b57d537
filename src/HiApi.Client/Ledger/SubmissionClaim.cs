namespace HiApi.Client;

/// <summary>The ledger's answer to a claim or a peek of one submission's key: what it knew, and the task or submission that says so.</summary>
public sealed class SubmissionClaim
{
    private SubmissionClaim(SubmissionClaimKind kind, LedgerEntry? task, LedgerSubmission? submission, string? attempt = null)
    {
        Kind = kind;
        Task = task;
        Submission = submission;
        Attempt = attempt;
    }

    public SubmissionClaimKind Kind { get; }

    /// <summary>The task the key created (<see cref="SubmissionClaimKind.Created"/>).</summary>
    public LedgerEntry? Task { get; }

    /// <summary>The earlier submission with the key (unresolved, refused, or one with another request).</summary>
    public LedgerSubmission? Submission { get; }

    /// <summary>
    /// The id of the send this claim wrote (a <see cref="SubmissionClaimKind.New"/> or <see cref="SubmissionClaimKind.Unresolved"/>
    /// claim; null for a peek): a refusal closes the submission only while it is still the latest send.
    /// </summary>
    public string? Attempt { get; }

    /// <summary>The same answer, for the send <paramref name="attempt"/> the claim wrote.</summary>
    internal SubmissionClaim ForAttempt(string attempt) => new(Kind, Task, Submission, attempt);

    /// <summary>For a <see cref="SubmissionClaimKind.Conflict"/>: the error that says why nothing is sent.</summary>
    public HiApiException ConflictError(PlannedSubmission planned) => new(
        HiApiErrorKind.IdempotencyConflict,
        $"The Idempotency-Key {planned.IdempotencyKey} was already used for another request ({RequestDescription.Subject(Submission!.Request)}), " +
        "so HiAPI would refuse this one (422); nothing was sent. Give each submission a key of its own.");

    private static LedgerSubmission SubmissionOf(LedgerEntry task) => new()
    {
        IdempotencyKey = task.IdempotencyKey!,
        Batch = task.Batch,
        InputNumber = task.InputNumber,
        Row = task.Row,
        EstimatedCostUsd = task.EstimatedCostUsd,
        Request = task.Request!,
        SubmittedAt = task.SubmittedAt,
        Status = LedgerSubmission.CreatedStatus,
        TaskId = task.TaskId,
        UpdatedAt = task.UpdatedAt,
    };

    internal static SubmissionClaim Of(LedgerState state, PlannedSubmission planned)
    {
        var key = planned.IdempotencyKey;
        if (state.FindTaskByKey(key) is { } task)
        {
            // A task the key made for another request (a key of the user's, reused): HiAPI would refuse this one.
            return task.Request is { } made && !made.Equals(planned.Request)
                ? new SubmissionClaim(SubmissionClaimKind.Conflict, task, state.FindSubmission(key) ?? SubmissionOf(task))
                : new SubmissionClaim(SubmissionClaimKind.Created, task, state.FindSubmission(key));
        }

        var submission = state.FindSubmission(key);
        // A refusal created nothing: sending again is safe. A submission closed by a listing is not: its outcome was never
        // proved, so it is settled like an unresolved one (which refuses to re-send once the key's window has passed).
        if (submission is null || submission.IsRejected)
        {
            return new SubmissionClaim(SubmissionClaimKind.New, null, submission);
        }

        return submission.Request.Equals(planned.Request)
            ? new SubmissionClaim(SubmissionClaimKind.Unresolved, null, submission)
            : new SubmissionClaim(SubmissionClaimKind.Conflict, null, submission);
    }
}
