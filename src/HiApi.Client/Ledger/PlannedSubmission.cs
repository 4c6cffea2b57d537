namespace HiApi.Client;

/// <summary>
/// A paid submission as decided before its first byte is sent: the request, the <c>Idempotency-Key</c> that goes with it
/// (derived from the batch, the request and its occurrence, or given by the user), the batch and the input's position.
/// Written to the ledger first; every attempt, now or in a later run, sends this request with this key. The estimated cost
/// is recorded with it (HiAPI's public price when it was planned), never part of its identity.
/// </summary>
public sealed record PlannedSubmission(VideoRequest Request, string IdempotencyKey, string? Batch, int? InputNumber, decimal? EstimatedCostUsd = null)
{
    /// <summary>The rest of the input's row, written with the submission; never part of the request or its key.</summary>
    public TaskRow? Row { get; init; }
}
