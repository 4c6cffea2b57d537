namespace HiApi.Mock.Idempotency;

/// <summary>
/// The stand-in's <c>Idempotency-Key</c>s (it has one API key, so one scope). A key is claimed while its first create
/// runs, bound to the task that create made (the same raw bytes then replay it for the window, counted from the
/// task's creation), and released when the create made no task, so a retry may succeed.
/// </summary>
internal sealed class IdempotencyBook(TimeProvider clock)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, IdempotencyClaim> _entries = new(StringComparer.Ordinal);

    /// <summary>The outcome; for <see cref="IdempotencyOutcome.Replay"/> the first task's id, for Claimed the claim to bind or release.</summary>
    public (IdempotencyOutcome Outcome, string? TaskId, IdempotencyClaim? Claim) Claim(string key, byte[] body, TimeSpan window)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var entry))
            {
                if (entry.TaskId is not { } taskId)
                {
                    return (IdempotencyOutcome.Processing, null, null);
                }

                if (clock.GetUtcNow() - entry.BoundAt < window)
                {
                    // The raw bytes, not the parsed JSON: a reordered or re-spaced body is another request.
                    return entry.Body.AsSpan().SequenceEqual(body)
                        ? (IdempotencyOutcome.Replay, taskId, null)
                        : (IdempotencyOutcome.Mismatch, null, null);
                }
            }

            var claimed = new IdempotencyClaim(key, body);
            _entries[key] = claimed;
            return (IdempotencyOutcome.Claimed, null, claimed);
        }
    }

    /// <summary>The create made its task: from now on the key replays it.</summary>
    public void Bind(IdempotencyClaim claim, string taskId, DateTimeOffset createdAt)
    {
        lock (_gate)
        {
            claim.TaskId = taskId;
            claim.BoundAt = createdAt;
        }
    }

    /// <summary>The create ended without a task: forget the claim (only this one, and only if still unbound).</summary>
    public void Release(IdempotencyClaim claim)
    {
        lock (_gate)
        {
            if (claim.TaskId is null && _entries.TryGetValue(claim.Key, out var current) && ReferenceEquals(current, claim))
            {
                _entries.Remove(claim.Key);
            }
        }
    }
}
