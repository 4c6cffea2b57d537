using HiApi.Client;

namespace HiApi.Bench.Scenarios;

/// <summary>Wait-HiApiTask as it is: one <see cref="TaskWaiter"/> with default <see cref="WaitOptions"/> (5 s polls).</summary>
internal sealed class PollingSource : IFinishedTaskSource
{
    private readonly TaskWaiter _waiter;

    public PollingSource(HiApiClient client) => _waiter = new TaskWaiter(client, new WaitOptions());

    public void Add(HiApiTask task) => _waiter.Add(task);

    public void CompleteAdding() => _waiter.CompleteAdding();

    public bool TryRead(out FinishedTask? finished)
    {
        finished = _waiter.TryRead(out var waitEvent) && waitEvent is not null ? From(waitEvent) : null;
        return finished is not null;
    }

    public async ValueTask<FinishedTask?> ReadAsync(CancellationToken ct) =>
        await _waiter.ReadAsync(ct) is { } waitEvent ? From(waitEvent) : null;

    public ValueTask DisposeAsync() => _waiter.DisposeAsync();

    private static FinishedTask From(WaitEvent waitEvent) =>
        new(waitEvent.Task, waitEvent.Kind == WaitEventKind.Succeeded, waitEvent.ToString());
}
