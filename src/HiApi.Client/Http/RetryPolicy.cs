namespace HiApi.Client;

/// <summary>
/// How transient failures are retried: exponential backoff with full jitter (so many clients hit by
/// the same outage do not come back in lock step), a server's <c>Retry-After</c> honoured, a bounded
/// number of times.
/// </summary>
public sealed class RetryPolicy
{
    /// <summary>A server may ask for a long pause, but a cmdlet that sleeps for an hour looks hung.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromMinutes(5);

    private readonly int _maxRetries = 5;
    private readonly TimeSpan _baseDelay = TimeSpan.FromSeconds(0.5);
    private readonly TimeSpan _maxDelay = TimeSpan.FromSeconds(30);
    private readonly Func<TimeSpan, CancellationToken, Task> _delay = static (delay, ct) => Task.Delay(delay, ct);

    /// <summary>5 retries, 0.5 s base delay, 30 s ceiling.</summary>
    public static RetryPolicy Default { get; } = new();

    /// <summary>No retries at all; for callers that handle failures themselves.</summary>
    public static RetryPolicy None { get; } = new() { MaxRetries = 0 };

    public int MaxRetries
    {
        get => _maxRetries;
        init => _maxRetries = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(MaxRetries), "Must not be negative.");
    }

    public TimeSpan BaseDelay
    {
        get => _baseDelay;
        init => _baseDelay = value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(BaseDelay), "Must not be negative.");
    }

    public TimeSpan MaxDelay
    {
        get => _maxDelay;
        init => _maxDelay = value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(MaxDelay), "Must not be negative.");
    }

    /// <summary>How to wait; <see cref="Task.Delay(TimeSpan, CancellationToken)"/> unless a test records the delays instead.</summary>
    public Func<TimeSpan, CancellationToken, Task> Delay
    {
        get => _delay;
        init => _delay = value ?? throw new ArgumentNullException(nameof(Delay));
    }

    /// <summary>
    /// The pause before retry number <paramref name="retryNumber"/> (1 for the first retry): a random
    /// time in [0, min(MaxDelay, BaseDelay x 2^(n-1))], or the server's <paramref name="retryAfter"/>
    /// when that is longer (capped at <see cref="MaxRetryAfter"/>).
    /// </summary>
    public TimeSpan GetDelay(int retryNumber, TimeSpan? retryAfter, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (retryNumber < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(retryNumber), "Retries are numbered from 1.");
        }

        // Computed in doubles: 2^(n-1) overflows TimeSpan long before n gets silly.
        var exponential = BaseDelay.Ticks * Math.Pow(2, Math.Min(retryNumber - 1, 62));
        var ceiling = Math.Min(MaxDelay.Ticks, exponential);
        var jittered = TimeSpan.FromTicks((long)(random.NextDouble() * ceiling));

        if (retryAfter is { } asked && asked > jittered)
        {
            return asked < MaxRetryAfter ? asked : MaxRetryAfter;
        }

        return jittered;
    }
}
