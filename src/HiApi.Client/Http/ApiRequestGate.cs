using System.Collections.Concurrent;

namespace HiApi.Client;

/// <summary>
/// One gate per API host for the whole process, through which every API request (submissions, polls, listings)
/// passes, so that when HiAPI rate-limits, everything in flight backs off together instead of each request
/// hammering on its own: a 429 pauses every request until its <c>Retry-After</c> has passed and halves the number
/// allowed in flight; each success raises it again a little (additive increase, multiplicative decrease, as TCP
/// does), up to <see cref="MaxConcurrency"/>.
/// </summary>
public sealed class ApiRequestGate
{
    /// <summary>What a 429 without <c>Retry-After</c> pauses for.</summary>
    public static readonly TimeSpan DefaultPause = TimeSpan.FromSeconds(1);

    private static readonly ConcurrentDictionary<string, ApiRequestGate> Shared = new(StringComparer.OrdinalIgnoreCase);

    private readonly object _gate = new();
    private readonly LinkedList<TaskCompletionSource<Slot>> _waiters = new();
    private readonly TimeProvider _time;
    private readonly ITimer _resumeTimer;
    private double _limit;
    private int _inFlight;
    private DateTimeOffset _pausedUntil;
    private DateTimeOffset _lastDecrease = DateTimeOffset.MinValue;
    private long _rateLimited;

    public ApiRequestGate(int maxConcurrency = 64, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        MaxConcurrency = maxConcurrency;
        _limit = maxConcurrency;
        _time = timeProvider ?? TimeProvider.System;
        _resumeTimer = _time.CreateTimer(static state => ((ApiRequestGate)state!).Pump(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The gate every client of <paramref name="baseUri"/>'s host shares in this process.</summary>
    public static ApiRequestGate For(Uri baseUri) => Shared.GetOrAdd(HttpClientPool.KeyOf(baseUri), static _ => new ApiRequestGate());

    public int MaxConcurrency { get; }

    /// <summary>Requests allowed in flight now (lowered by 429s, raised by successes).</summary>
    public int CurrentLimit
    {
        get
        {
            lock (_gate)
            {
                return (int)_limit;
            }
        }
    }

    /// <summary>429 answers reported to this gate.</summary>
    public long RateLimitedCount => Interlocked.Read(ref _rateLimited);

    /// <summary>Waits until no pause is in force and a slot is free; dispose the slot when the exchange is over.</summary>
    public ValueTask<Slot> EnterAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            if (_waiters.Count == 0 && CanEnter())
            {
                _inFlight++;
                return ValueTask.FromResult(new Slot(this));
            }

            var waiter = new TaskCompletionSource<Slot>(TaskCreationOptions.RunContinuationsAsynchronously);
            var node = _waiters.AddLast(waiter);
            if (ct.CanBeCanceled)
            {
                var registration = ct.UnsafeRegister(
                    static (state, token) =>
                    {
                        var (gate, waiting) = ((ApiRequestGate, LinkedListNode<TaskCompletionSource<Slot>>))state!;
                        gate.Abandon(waiting, token);
                    },
                    (this, node));
                _ = waiter.Task.ContinueWith(static (_, r) => ((CancellationTokenRegistration)r!).Dispose(), registration, TaskScheduler.Default);
            }

            ScheduleResume();
            return new ValueTask<Slot>(waiter.Task);
        }
    }

    /// <summary>A 429: pause everyone for <paramref name="retryAfter"/> and halve the concurrency (once per pause).</summary>
    public void OnRateLimited(TimeSpan? retryAfter)
    {
        Interlocked.Increment(ref _rateLimited);
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var pause = retryAfter is { } asked && asked > TimeSpan.Zero ? asked : DefaultPause;
            if (pause > RetryPolicy.MaxRetryAfter)
            {
                pause = RetryPolicy.MaxRetryAfter;
            }

            var until = now + pause;
            if (until > _pausedUntil)
            {
                _pausedUntil = until;
            }

            // Several requests in flight see the same 429 burst: halve once per burst, not once per answer.
            if (now - _lastDecrease >= pause)
            {
                _limit = Math.Max(1, Math.Floor(_limit / 2));
                _lastDecrease = now;
            }

            ScheduleResume();
        }
    }

    /// <summary>A request that was not rate-limited: raise the limit by about one per round of successes.</summary>
    public void OnSuccess()
    {
        lock (_gate)
        {
            if (_limit < MaxConcurrency)
            {
                _limit = Math.Min(MaxConcurrency, _limit + 1 / _limit);
            }
        }

        Pump();
    }

    private bool CanEnter() => _inFlight < (int)_limit && _time.GetUtcNow() >= _pausedUntil;

    private void Release()
    {
        lock (_gate)
        {
            _inFlight--;
        }

        Pump();
    }

    private void Pump()
    {
        List<TaskCompletionSource<Slot>>? ready = null;
        lock (_gate)
        {
            while (_waiters.First is { } first && CanEnter())
            {
                _waiters.RemoveFirst();
                _inFlight++;
                (ready ??= new()).Add(first.Value);
            }

            ScheduleResume();
        }

        if (ready is null)
        {
            return;
        }

        foreach (var waiter in ready)
        {
            if (!waiter.TrySetResult(new Slot(this)))
            {
                Release(); // cancelled meanwhile: hand the slot on
            }
        }
    }

    /// <summary>Waiters blocked only by the pause need a wake-up when it ends; nothing else will come.</summary>
    private void ScheduleResume()
    {
        var wait = _pausedUntil - _time.GetUtcNow();
        _resumeTimer.Change(_waiters.Count > 0 && wait > TimeSpan.Zero ? wait : Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    private void Abandon(LinkedListNode<TaskCompletionSource<Slot>> node, CancellationToken token)
    {
        lock (_gate)
        {
            if (node.List is not null)
            {
                _waiters.Remove(node);
            }
        }

        node.Value.TrySetCanceled(token);
    }

    /// <summary>A place in flight; disposing it lets the next request through.</summary>
    public readonly struct Slot : IDisposable
    {
        private readonly ApiRequestGate? _owner;

        internal Slot(ApiRequestGate owner) => _owner = owner;

        public void Dispose() => _owner?.Release();
    }
}
