namespace HiApi.Emulator.Idempotency;

/// <summary>The outcome of a claim, with the claim itself (<see cref="IdempotencyOutcome.Claimed"/>) or the replayed task id.</summary>
internal sealed record IdempotencyLookup(IdempotencyOutcome Outcome, IdempotencyClaim? Claim, string? TaskId);
