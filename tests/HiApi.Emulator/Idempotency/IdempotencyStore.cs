namespace HiApi.Emulator.Idempotency;

/// <summary>
/// <c>Idempotency-Key</c> state, scoped per API key. A key is claimed while its first create runs, bound to the task
/// that create made (from then on the same body replays it), and forgotten when the create made no task, so a retry
/// may succeed. A bound key lives for the window, counted on the emulator's clock from the task's creation.
/// </summary>
internal sealed class IdempotencyStore(TimeProvider clock)
{
    private readonly object _gate = new();
    private readonly Dictionary<(string ApiKey, string IdempotencyKey), IdempotencyEntry> _entries = new();

    public IdempotencyLookup Claim(string apiKey, string idempotencyKey, byte[] body, TimeSpan window)
    {
        var slot = (apiKey, idempotencyKey);
        lock (_gate)
        {
            if (_entries.TryGetValue(slot, out var entry))
            {
                if (entry.TaskId is not { } taskId)
                {
                    return new IdempotencyLookup(IdempotencyOutcome.Processing, null, null);
                }
                if (clock.GetUtcNow() - entry.BoundAt < window)
                {
                    // The raw bytes, not the parsed JSON: a reordered or re-spaced body is a different request.
                    return entry.Body.AsSpan().SequenceEqual(body)
                        ? new IdempotencyLookup(IdempotencyOutcome.Replay, null, taskId)
                        : new IdempotencyLookup(IdempotencyOutcome.Mismatch, null, null);
                }
            }

            var claimed = new IdempotencyEntry(body);
            _entries[slot] = claimed;
            return new IdempotencyLookup(IdempotencyOutcome.Claimed, new IdempotencyClaim(this, slot, claimed), null);
        }
    }

    internal void Bind(IdempotencyEntry entry, string taskId, DateTimeOffset createdAt)
    {
        lock (_gate)
        {
            entry.TaskId = taskId;
            entry.BoundAt = createdAt;
        }
    }

    internal void Release((string ApiKey, string IdempotencyKey) slot, IdempotencyEntry entry)
    {
        lock (_gate)
        {
            // Only this claim's own entry, and only while no task was bound to it.
            if (entry.TaskId is null && _entries.TryGetValue(slot, out var current) && ReferenceEquals(current, entry))
            {
                _entries.Remove(slot);
            }
        }
    }
}
