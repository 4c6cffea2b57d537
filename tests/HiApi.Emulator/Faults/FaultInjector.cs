namespace HiApi.Emulator.Faults;

/// <summary>
/// Rolls the fault dice. With a seed the sequence of outcomes is repeatable; the 5xx kinds are taken in turn
/// (500 JSON, 502 HTML, 503 JSON) so a handful of faults shows a client every shape.
/// </summary>
internal sealed class FaultInjector(int? seed)
{
    private readonly Random _random = seed is { } value ? new Random(value) : new Random();
    private readonly object _gate = new();
    private long _serverErrorTurn;

    public FaultCounters Counters { get; } = new();

    /// <summary>True with probability <paramref name="rate"/>. Rates of 0 and 1 consume no randomness.</summary>
    public bool Roll(double rate)
    {
        if (!(rate > 0))
        {
            return false;
        }
        if (rate >= 1)
        {
            return true;
        }
        lock (_gate)
        {
            return _random.NextDouble() < rate;
        }
    }

    public ServerErrorKind NextServerError()
    {
        var turn = Interlocked.Increment(ref _serverErrorTurn) - 1;
        return (ServerErrorKind)(turn % 3);
    }
}
