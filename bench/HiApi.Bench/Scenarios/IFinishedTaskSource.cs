using HiApi.Client;

namespace HiApi.Bench.Scenarios;

/// <summary>
/// Where the pipeline learns that a task ended: the waiter's polling, or verified callbacks. The same four calls
/// Wait-HiApiTask makes: add per record, hand on what is ready without blocking, then block until the last one.
/// </summary>
internal interface IFinishedTaskSource : IAsyncDisposable
{
    void Add(HiApiTask task);

    /// <summary>No more tasks: <see cref="ReadAsync"/> returns null once every added task has ended.</summary>
    void CompleteAdding();

    bool TryRead(out FinishedTask? finished);

    ValueTask<FinishedTask?> ReadAsync(CancellationToken ct);
}
