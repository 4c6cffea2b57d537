namespace HiApi.Client;

/// <summary>When the sweeper of a <see cref="CallbackReceiver"/> polls the tasks whose callback has not come.</summary>
public sealed class CallbackReceiverOptions
{
    private readonly TimeSpan _sweepAfter = TimeSpan.FromMinutes(10);
    private readonly TimeSpan _sweepInterval = TimeSpan.FromMinutes(1);
    private readonly TimeSpan _taskTimeout = TimeSpan.FromHours(2);
    private readonly TimeSpan _unknownCallbackGrace = TimeSpan.FromMinutes(2);

    /// <summary>An awaited task with no callback this long after its submission is polled (seed 003: 10 minutes).</summary>
    public TimeSpan SweepAfter
    {
        get => _sweepAfter;
        init => _sweepAfter = value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(SweepAfter), "Must not be negative.");
    }

    /// <summary>After the first sweep, how often it is polled again until it is final.</summary>
    public TimeSpan SweepInterval
    {
        get => _sweepInterval;
        init => _sweepInterval = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(SweepInterval), "Must be positive.");
    }

    /// <summary>How long an awaited task may take from the moment it is awaited before it is reported timed out.</summary>
    public TimeSpan TaskTimeout
    {
        get => _taskTimeout;
        init => _taskTimeout = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(TaskTimeout), "Must be positive.");
    }

    /// <summary>
    /// How long a callback for an id not yet known is kept: a callback can come before the answer to its create (a task
    /// that finishes at once, a create answered slowly), so it is handled once its task is awaited or in the ledger, and
    /// reported as forged or foreign only after this. Zero reports it at once.
    /// </summary>
    public TimeSpan UnknownCallbackGrace
    {
        get => _unknownCallbackGrace;
        init => _unknownCallbackGrace = value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(UnknownCallbackGrace), "Must not be negative.");
    }
}
