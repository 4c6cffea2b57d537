namespace HiApi.Client;

public sealed class WaitOptions
{
    private readonly TimeSpan _timeout = TimeSpan.FromSeconds(600);
    private readonly TimeSpan _pollInterval = TimeSpan.FromSeconds(5);
    private readonly int _maxConcurrentPolls = 16;

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

    /// <summary>GETs in flight at once, whatever the number of tasks: keeps a big batch from looking like a flood.</summary>
    public int MaxConcurrentPolls
    {
        get => _maxConcurrentPolls;
        init => _maxConcurrentPolls = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(MaxConcurrentPolls), "Must be positive.");
    }
}
