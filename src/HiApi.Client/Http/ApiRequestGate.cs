using System.Collections.Concurrent;

namespace HiApi.Client;

/// <summary>
/// One gate per API host for the whole process, through which every API request (submissions, polls, listings)
/// passes, so that when HiAPI rate-limits, everything in flight backs off together instead of each request
/// hammering on its own. A 429 pauses every request until its <c>Retry-After</c> has passed, halves the number allowed
/// in flight, and from then on spaces the starts at the rate the API accepted in the last second (a limit of requests
/// per second is a rate: on a fast link, fewer in flight alone would not slow the starts). Each success raises both
/// again a little (additive increase, multiplicative decrease, as TCP does); pacing ends once the rate is well above
/// what any API allows.
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

    /// <summary>Starts per second while pacing; null when not pacing (no 429 seen, or recovered).</summary>
    private double? _rate;
    private DateTimeOffset _nextStart;
    private readonly Queue<DateTimeOffset> _recentStarts = new();
    private readonly Queue<DateTimeOffset> _recentSuccesses = new();

    /// <summary>How far back starts and successes are counted to learn the rate the API takes.</summary>
    private static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(1);

    /// <summary>Pacing slower than this would stall a batch for nothing: one start every two seconds at the least.</summary>
    private const double MinimumRate = 0.5;

    /// <summary>Above this, pacing is pointless and ends.</summary>
    private const double StopPacingRate = 1000;

    /// <summary>
    /// After this long without a 429 the gate forgets: a session that was rate-limited this morning must not crawl this
    /// afternoon, when nothing succeeded in between to raise the limits again.
    /// </summary>
    public static readonly TimeSpan QuietReset = TimeSpan.FromSeconds(30);

    private DateTimeOffset _lastRateLimited = DateTimeOffset.MinValue;

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
                Admit();
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
            _lastRateLimited = now;
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
                Trim(_recentStarts, now);
                Trim(_recentSuccesses, now);
                // What the API took in the last second is what it allows; with nothing taken, half of what was tried.
                var accepted = _recentSuccesses.Count > 0
                    ? _recentSuccesses.Count / RateWindow.TotalSeconds
                    : Math.Max(_recentStarts.Count, 1) / RateWindow.TotalSeconds / 2;
                _rate = Math.Max(MinimumRate, Math.Min(_rate ?? accepted, accepted));
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
            var now = _time.GetUtcNow();
            _recentSuccesses.Enqueue(now);
            Trim(_recentSuccesses, now);
            if (_limit < MaxConcurrency)
            {
                _limit = Math.Min(MaxConcurrency, _limit + 1 / _limit);
            }

            if (_rate is { } rate)
            {
                // About one more start per second for every second of successes.
                _rate = rate + 1 / rate >= StopPacingRate ? null : rate + 1 / rate;
            }
        }

        Pump();
    }

    /// <summary>Pacing starts at the current rate, if any.</summary>
    public double? CurrentRate
    {
        get
        {
            lock (_gate)
            {
                return _rate;
            }
        }
    }

    private bool CanEnter()
    {
        var now = _time.GetUtcNow();
        if ((_rate is not null || _limit < MaxConcurrency) && now - _lastRateLimited > QuietReset)
        {
            _rate = null;
            _limit = MaxConcurrency;
        }

        return _inFlight < (int)_limit && now >= _pausedUntil && (_rate is null || now >= _nextStart);
    }

    /// <summary>Takes a slot (under the lock): counts the start, and spaces the next one when pacing.</summary>
    private void Admit()
    {
        _inFlight++;
        var now = _time.GetUtcNow();
        _recentStarts.Enqueue(now);
        Trim(_recentStarts, now);
        if (_rate is { } rate)
        {
            var from = _nextStart > now ? _nextStart : now;
            _nextStart = from + TimeSpan.FromSeconds(1 / rate);
        }
    }

    private static void Trim(Queue<DateTimeOffset> times, DateTimeOffset now)
    {
        while (times.TryPeek(out var oldest) && now - oldest > RateWindow)
        {
            times.Dequeue();
        }
    }

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
                Admit();
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

    /// <summary>
    /// Waiters held by the pause or the pacing need a wake-up when it ends: no release or success may come. While anyone
    /// waits, the timer always runs: a pause that ended between the gate's two looks at the clock (or a timer that fired
    /// a tick early) must not leave a waiter asleep for good, so the wake-up is at least a millisecond away and at most
    /// <see cref="LongestSleep"/>.
    /// </summary>
    private void ScheduleResume()
    {
        if (_waiters.Count == 0)
        {
            _resumeTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        var now = _time.GetUtcNow();
        var resumeAt = _rate is not null && _nextStart > _pausedUntil ? _nextStart : _pausedUntil;
        TimeSpan due;
        if (resumeAt > now)
        {
            due = resumeAt - now < MinimumSleep ? MinimumSleep : resumeAt - now > LongestSleep ? LongestSleep : resumeAt - now;
        }
        else if (_inFlight < (int)_limit)
        {
            due = MinimumSleep; // nothing holds them any more: the pause ended between two looks at the clock
        }
        else
        {
            due = LongestSleep; // a full house: a release lets the next one in; this is only a safety net
        }

        _resumeTimer.Change(due, Timeout.InfiniteTimeSpan);
    }

    private static readonly TimeSpan MinimumSleep = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan LongestSleep = TimeSpan.FromSeconds(1);

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

    /// <summary>
    /// A place in flight; disposing it lets the next request through, once however often it is disposed (a retry loop
    /// releases its slot before sleeping and again as the attempt's scope ends: twice would let more in than the limit).
    /// </summary>
    public sealed class Slot : IDisposable
    {
        private ApiRequestGate? _owner;

        internal Slot(ApiRequestGate owner) => _owner = owner;

        public void Dispose() => Interlocked.Exchange(ref _owner, null)?.Release();
    }
}
