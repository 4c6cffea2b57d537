namespace HiApi.Client;

/// <summary>
/// An earlier submission of a request: the task it created (as the ledger last knew it), or, when its answer never
/// came, the submission itself, to be settled with its own idempotency key.
/// </summary>
public sealed record EarlierSubmission(HiApiTask? Task, LedgerSubmission? Unresolved);
