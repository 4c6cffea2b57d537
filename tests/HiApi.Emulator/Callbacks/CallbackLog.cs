using System.Collections.Concurrent;

namespace HiApi.Emulator.Callbacks;

/// <summary>Every callback delivery attempt, in the order they finished.</summary>
internal sealed class CallbackLog
{
    private readonly ConcurrentQueue<CallbackDelivery> _deliveries = new();

    public void Add(CallbackDelivery delivery) => _deliveries.Enqueue(delivery);

    public IReadOnlyList<CallbackDelivery> Snapshot() => _deliveries.ToArray();

    public int Count => _deliveries.Count;
}
