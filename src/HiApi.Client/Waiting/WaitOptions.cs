namespace HiApi.Client;

public sealed class WaitOptions
{
    private readonly TimeSpan _timeout = TimeSpan.FromSeconds(600);
    private readonly TimeSpan _pollInterval = TimeSpan.FromSeconds(5);
    private readonly int _maxConcurrentPolls = 32;
    private readonly TimeSpan? _firstPollDelay;

    /// <summary>How long each task may take from the moment it is added; 600 s as in seed 000.</summary>
    public TimeSpan Timeout
    {
        get => _timeout;
        init => _timeout = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(Timeout), "Must be positive.");
    }

    /// <summary>Time between two GETs of the same task; 5 s as in seed 003.</summary>
    public TimeSpan PollInterval
    {
        get => _pollInterval;
        init => _pollInterval = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(PollInterval), "Must be positive.");
    }

    /// <summary>
    /// Null (the default): the first GET comes one <see cref="PollInterval"/> after submission. Set: it comes this
    /// long after <see cref="HiApiTask.SubmittedAt"/> (after the task was added when that is unknown), never
    /// before now. A callback sweeper uses it to leave the fast path time to deliver before polling.
    /// </summary>
    public TimeSpan? FirstPollDelay
    {
        get => _firstPollDelay;
        init => _firstPollDelay = value is null || value.Value >= TimeSpan.Zero
            ? value
            : throw new ArgumentOutOfRangeException(nameof(FirstPollDelay), "Must not be negative.");
    }

    /// <summary>
    /// Called with the task each time a poll or a notification finds its status changed to one that is not final yet
    /// (queued, handling, archiving), outside the waiter's lock, on the thread that read it. What a ledger records, so a
    /// wait cut off by Ctrl+C leaves the last status it saw; final states come out as events.
    /// </summary>
    public Action<HiApiTask>? StatusChanged { get; init; }

    /// <summary>GETs in flight at once, whatever the number of tasks: keeps a big batch from looking like a flood.</summary>
    public int MaxConcurrentPolls
    {
        get => _maxConcurrentPolls;
        init => _maxConcurrentPolls = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(MaxConcurrentPolls), "Must be positive.");
    }
}
