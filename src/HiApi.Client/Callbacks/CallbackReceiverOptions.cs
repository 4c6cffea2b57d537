namespace HiApi.Client;

/// <summary>When the sweeper of a <see cref="CallbackReceiver"/> polls the tasks whose callback has not come.</summary>
public sealed class CallbackReceiverOptions
{
    private readonly TimeSpan _sweepAfter = TimeSpan.FromMinutes(10);
    private readonly TimeSpan _sweepInterval = TimeSpan.FromMinutes(1);
    private readonly TimeSpan _taskTimeout = TimeSpan.FromHours(2);

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
}
