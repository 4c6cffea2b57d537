namespace HiApi.Client;

/// <summary>
/// Deadlines for one download attempt, checked by a timer rather than per read, so a host that sends nothing and
/// one that drips a byte every few seconds are both caught on time: no byte (nor response headers) for
/// <see cref="DownloadOptions.StallTimeout"/>, or, once a whole <see cref="DownloadOptions.RateWindow"/> has passed
/// since the first byte, fewer than <see cref="DownloadOptions.MinimumBytesPerSecond"/> over the last window. Either
/// cancels the attempt and leaves the reason in <see cref="Reason"/>.
/// </summary>
internal sealed class TransferWatchdog : IDisposable
{
    /// <summary>Checks per stall timeout or rate window (the shorter): a deadline fires at most this fraction late.</summary>
    private const int ChecksPerPeriod = 8;

    private const long NoByteYet = long.MinValue;

    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _attempt;
    private readonly TimeSpan _stallTimeout;
    private readonly long _minimumBytesPerSecond;
    private readonly TimeSpan _rateWindow;
    private readonly long _rateWindowTicks;

    /// <summary>(timestamp, bytes received) at each check since the window's start; the oldest is dropped into <see cref="_baseline"/>.</summary>
    private readonly Queue<(long At, long Bytes)> _samples = new();
    private readonly ITimer _timer;
    private (long At, long Bytes) _baseline;
    private long _received;
    private long _lastActivity;
    private long _firstByte = NoByteYet;
    private bool _measuring;
    private string? _reason;
    private bool _tooSlow;
    private bool _disposed;

    public TransferWatchdog(TimeProvider time, DownloadOptions options, CancellationTokenSource attempt)
    {
        _time = time;
        _attempt = attempt;
        _stallTimeout = options.StallTimeout;
        _minimumBytesPerSecond = options.MinimumBytesPerSecond;
        _rateWindow = options.RateWindow;
        _rateWindowTicks = (long)(options.RateWindow.TotalSeconds * time.TimestampFrequency);
        _lastActivity = time.GetTimestamp();

        var shortest = _minimumBytesPerSecond > 0 && _rateWindow < _stallTimeout ? _rateWindow : _stallTimeout;
        var period = TimeSpan.FromTicks(Math.Max(shortest.Ticks / ChecksPerPeriod, TimeSpan.TicksPerMillisecond));
        _timer = time.CreateTimer(static state => ((TransferWatchdog)state!).Check(), this, period, period);
    }

    /// <summary>Why the attempt was cancelled ("no data for 30 s", "too slow: ..."), or null if it was not.</summary>
    public string? Reason
    {
        get
        {
            lock (_gate)
            {
                return _reason;
            }
        }
    }

    /// <summary>The attempt was cancelled for its rate: it counts as an attempt without progress.</summary>
    public bool TooSlow
    {
        get
        {
            lock (_gate)
            {
                return _tooSlow;
            }
        }
    }

    /// <summary>Response headers (0 bytes) or body bytes arrived. Called on the reading thread, lock-free.</summary>
    public void Received(int count)
    {
        var now = _time.GetTimestamp();
        Volatile.Write(ref _lastActivity, now);
        if (count > 0)
        {
            Interlocked.CompareExchange(ref _firstByte, now, NoByteYet);
            Interlocked.Add(ref _received, count);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
        }

        _timer.Dispose();
    }

    private void Check()
    {
        string? reason;
        lock (_gate)
        {
            if (_disposed || _reason is not null)
            {
                return;
            }

            var now = _time.GetTimestamp();
            reason = StallReason(now) ?? RateReason(now);
            if (reason is null)
            {
                return;
            }

            _reason = reason;
        }

        // Outside the lock: cancelling runs the reader's continuations, which end by disposing this watchdog.
        try
        {
            _attempt.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The attempt ended on its own in the meantime.
        }
    }

    private string? StallReason(long now) =>
        _time.GetElapsedTime(Volatile.Read(ref _lastActivity), now) >= _stallTimeout
            ? $"no data for {_stallTimeout.TotalSeconds:0.##} s"
            : null;

    private string? RateReason(long now)
    {
        var first = Interlocked.Read(ref _firstByte);
        if (_minimumBytesPerSecond == 0 || first == NoByteYet)
        {
            return null;
        }

        if (!_measuring)
        {
            _measuring = true;
            _baseline = (first, 0); // nothing had arrived before the first byte
        }

        var received = Interlocked.Read(ref _received);
        _samples.Enqueue((now, received));
        var windowStart = now - _rateWindowTicks;
        if (first > windowStart)
        {
            return null; // not a whole window since the first byte yet
        }

        // The baseline becomes the newest sample at or before the window's start: the rate covers at least a window.
        while (_samples.TryPeek(out var oldest) && oldest.At <= windowStart)
        {
            _baseline = _samples.Dequeue();
        }

        var seconds = (now - _baseline.At) / (double)_time.TimestampFrequency;
        var rate = (received - _baseline.Bytes) / seconds;
        if (rate >= _minimumBytesPerSecond)
        {
            return null;
        }

        _tooSlow = true;
        return $"too slow: {(long)rate} bytes/s over {_rateWindow.TotalSeconds:0.##} s (the minimum is {_minimumBytesPerSecond} bytes/s)";
    }
}
