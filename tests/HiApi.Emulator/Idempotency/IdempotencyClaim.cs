using HiApi.Emulator.Tasks;

namespace HiApi.Emulator.Idempotency;

/// <summary>
/// A create's hold on its key. <see cref="Bind"/> once the task exists; disposing an unbound claim releases the key,
/// so a create that failed (400, 402, 503, a client that went away) never blocks a retry.
/// </summary>
internal sealed class IdempotencyClaim(
    IdempotencyStore store, (string ApiKey, string IdempotencyKey) slot, IdempotencyEntry entry) : IDisposable
{
    public void Bind(EmulatedTask task) => store.Bind(entry, task.Id, task.CreatedAt);

    public void Dispose() => store.Release(slot, entry);
}
