using System.Threading.Channels;

namespace HiApi.Client;

/// <summary>
/// Waits for many tasks at once and reports each one the moment it ends, so downloads start while
/// others still render. One scheduler loop, a queue ordered by next poll time and at most
/// <see cref="WaitOptions.MaxConcurrentPolls"/> GETs in flight: thousands of tasks cost a few
/// objects each, not a Task and a timer each.
/// </summary>
public sealed class TaskWaiter : IAsyncDisposable
{
    private readonly HiApiClient _client;
    private readonly WaitOptions _options;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private readonly Dictionary<string, TrackedTask> _tracked = new(StringComparer.Ordinal);
    private readonly PriorityQueue<TrackedTask, DateTimeOffset> _schedule = new();
    private readonly Dictionary<HiApiTaskStatus, int> _countsByStatus = new();

    /// <summary>
    /// Render times measured here (see <see cref="RenderTime"/>), for the progress estimate (a bounded sample). Until one
    /// is measured there is no estimate: a built-in guess would be shown as if it were known.
    /// </summary>
    private readonly List<TimeSpan> _renderTimes = new();
    private const int MaxRenderSamples = 256;
    private DateTimeOffset? _firstAddedAt;
    private readonly Channel<WaitEvent> _events = Channel.CreateUnbounded<WaitEvent>(new UnboundedChannelOptions
    {
        SingleReader = false,
        SingleWriter = false,
        AllowSynchronousContinuations = false,
    });

    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _pollsDrained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ITimer _timer;
    private readonly Task _loop;
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _active;
    private int _finished;
    private int _inFlight;
    private bool _addingCompleted;
    private bool _disposed;

    public TaskWaiter(HiApiClient client, WaitOptions options, TimeProvider? timeProvider = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _time = timeProvider ?? TimeProvider.System;
        _timer = _time.CreateTimer(static state => ((TaskWaiter)state!).Wake(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _loop = Task.Run(RunSchedulerAsync);
    }

    /// <summary>
    /// Starts tracking <paramref name="task"/> at once. Thread-safe; a task id already tracked is
    /// ignored. A task that already succeeded (with a video URL) or failed is reported without a request.
    /// </summary>
    public void Add(HiApiTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_addingCompleted)
            {
                throw new InvalidOperationException("No task can be added after CompleteAdding.");
            }

            if (_tracked.ContainsKey(task.TaskId))
            {
                return;
            }

            var now = _time.GetUtcNow();
            _firstAddedAt ??= now;
            var tracked = new TrackedTask(task, now, now + _options.Timeout);
            _tracked.Add(task.TaskId, tracked);
            CountStatus(task.Status, +1);
            _active++;

            if (task.Status == HiApiTaskStatus.Success && task.VideoUrl is not null)
            {
                Finish(tracked, WaitEventKind.Succeeded, null);
                return;
            }

            if (task.Status == HiApiTaskStatus.Fail)
            {
                Finish(tracked, WaitEventKind.Failed, TaskFailedError(task));
                return;
            }

            Schedule(tracked, FirstPollTime(task, now));
        }

        Wake();
    }

    /// <summary>No more tasks will come: <see cref="ReadAsync"/> returns null once every tracked task has ended.</summary>
    public void CompleteAdding()
    {
        lock (_gate)
        {
            _addingCompleted = true;
            CompleteEventsIfDone();
        }
    }

    /// <summary>A state learned elsewhere (for example a verified callback), handled as if just polled.</summary>
    public void Notify(HiApiTask freshState)
    {
        ArgumentNullException.ThrowIfNull(freshState);
        HiApiTask? changed;
        lock (_gate)
        {
            if (_disposed || !_tracked.TryGetValue(freshState.TaskId, out var tracked) || tracked.Ended)
            {
                return;
            }

            changed = UpdateState(tracked, freshState) && !freshState.IsTerminal ? tracked.Latest : null;
            if (freshState.IsTerminal)
            {
                FinishTerminal(tracked);
            }

            // A non-final state changes nothing in the schedule: the next poll stays where it was.
        }

        Wake();
        ReportStatusChanged(changed);
    }

    /// <summary>The next event, as soon as any task ends; null when adding is complete and every task has ended.</summary>
    public ValueTask<WaitEvent?> ReadAsync(CancellationToken ct)
        => _events.Reader.ReadOrNullAsync(ct);

    /// <summary>An event if one is ready, without waiting.</summary>
    public bool TryRead(out WaitEvent? waitEvent)
        => _events.Reader.TryReadOrNull(out waitEvent);

    public WaitProgress GetProgress()
    {
        lock (_gate)
        {
            var counts = new Dictionary<HiApiTaskStatus, int>();
            foreach (var status in Enum.GetValues<HiApiTaskStatus>())
            {
                if (_countsByStatus.TryGetValue(status, out var count) && count > 0)
                {
                    counts[status] = count;
                }
            }

            var now = _time.GetUtcNow();
            var (percent, remaining) = EstimateLocked(now);
            var elapsed = _firstAddedAt is { } first ? now - first : TimeSpan.Zero;
            return new WaitProgress(_tracked.Count, _finished, counts, percent, remaining, elapsed, _renderTimes.Count > 0 ? Median(_renderTimes) : null);
        }
    }

    /// <summary>GETs running now; lets tests wait until every poll result has been applied.</summary>
    internal int PollsInFlight
    {
        get
        {
            lock (_gate)
            {
                return _inFlight;
            }
        }
    }

    /// <summary>Stops polling at once (in-flight GETs are cancelled) and ends the event stream.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _stopping.Cancel();
        _timer.Dispose();
        await _loop.ConfigureAwait(false);
        lock (_gate)
        {
            if (_inFlight == 0)
            {
                _pollsDrained.TrySetResult();
            }
        }

        await _pollsDrained.Task.ConfigureAwait(false);
        _events.Writer.TryComplete();
        _stopping.Dispose();
    }

    private DateTimeOffset FirstPollTime(HiApiTask task, DateTimeOffset now)
    {
        if (_options.FirstPollDelay is { } delay && task.Status != HiApiTaskStatus.Success)
        {
            var due = (task.SubmittedAt ?? now) + delay;
            var latestDue = now + delay;
            return due < now ? now : due > latestDue ? latestDue : due;
        }

        // Nothing is known about a task given only by id, or a success whose outputs are missing: look now.
        if (task.Status == HiApiTaskStatus.Success
            || (task.Status == HiApiTaskStatus.Unknown && task.SubmittedAt is null && task.RetrievedAt is null))
        {
            return now;
        }

        // A render rarely ends sooner than one interval after submission: a 3 s clip polled at 5 s costs one GET.
        var lastKnown = Max(task.SubmittedAt, task.RetrievedAt) ?? now;
        var first = lastKnown + _options.PollInterval;
        var latest = now + _options.PollInterval;
        return first < now ? now : first > latest ? latest : first;
    }

    private async Task RunSchedulerAsync()
    {
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                Task wake;
                List<TrackedTask>? due = null;
                lock (_gate)
                {
                    if (_wake.Task.IsCompleted)
                    {
                        _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    }

                    wake = _wake.Task;
                    var now = _time.GetUtcNow();
                    while (_schedule.TryPeek(out var tracked, out var pollAt) && pollAt <= now)
                    {
                        if (tracked.Ended || tracked.InFlight || tracked.NextPollAt != pollAt)
                        {
                            _schedule.Dequeue();
                        }
                        else if (now >= tracked.Deadline)
                        {
                            _schedule.Dequeue();
                            Finish(tracked, WaitEventKind.TimedOut, TimeoutError(tracked));
                        }
                        else if (_inFlight < _options.MaxConcurrentPolls)
                        {
                            _schedule.Dequeue();
                            tracked.InFlight = true;
                            _inFlight++;
                            (due ??= new List<TrackedTask>()).Add(tracked);
                        }
                        else
                        {
                            break; // a finishing poll wakes the loop
                        }
                    }

                    if (_inFlight < _options.MaxConcurrentPolls && _schedule.TryPeek(out _, out var nextPollAt))
                    {
                        var wait = nextPollAt - now;
                        _timer.Change(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
                    }
                    else
                    {
                        _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                    }
                }

                if (due is not null)
                {
                    foreach (var tracked in due)
                    {
                        _ = PollAsync(tracked);
                    }
                }

                await wake.WaitAsync(_stopping.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (ObjectDisposedException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // A bug here must not leave a reader waiting forever.
            _events.Writer.TryComplete(ex);
        }
    }

    private async Task PollAsync(TrackedTask tracked)
    {
        HiApiTask? fresh = null;
        HiApiTask? changed = null;
        HiApiException? error = null;
        var timedOut = false;
        // -TimeoutSeconds bounds the whole wait: a GET still in flight at the task's deadline is cut there.
        var left = tracked.Deadline - _time.GetUtcNow();
        using var deadline = new CancellationTokenSource(left > TimeSpan.Zero ? left : TimeSpan.Zero, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, deadline.Token);
        try
        {
            fresh = await _client.GetTaskAsync(tracked.TaskId, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            timedOut = true;
        }
        catch (HiApiException ex)
        {
            error = ex;
        }
        catch (Exception ex)
        {
            error = new HiApiException(HiApiErrorKind.InvalidResponse, $"Task {tracked.TaskId}: reading its state failed: {ex.Message}", ex)
            {
                TaskId = tracked.TaskId,
            };
        }

        lock (_gate)
        {
            _inFlight--;
            tracked.InFlight = false;
            if (!tracked.Ended && !_stopping.IsCancellationRequested)
            {
                var now = _time.GetUtcNow();
                if (timedOut)
                {
                    Finish(tracked, WaitEventKind.TimedOut, TimeoutError(tracked));
                }
                else if (error is not null && !(RetryRules.IsPassing(error) && now < tracked.Deadline))
                {
                    Finish(tracked, WaitEventKind.Errored, error.With(task: tracked.Latest));
                }
                else if (error is not null)
                {
                    // An outage that outlasted one GET's retries is not the task's end: the task keeps rendering,
                    // so look again after an interval, until the deadline.
                    tracked.LastError = error;
                    ScheduleNext(tracked, now);
                }
                else if (fresh is not null)
                {
                    tracked.LastError = null;
                    if (UpdateState(tracked, fresh) && !fresh.IsTerminal)
                    {
                        changed = tracked.Latest;
                    }

                    if (fresh.IsTerminal)
                    {
                        FinishTerminal(tracked);
                    }
                    else
                    {
                        ScheduleNext(tracked, now);
                    }
                }
            }

            if (_inFlight == 0 && _stopping.IsCancellationRequested)
            {
                _pollsDrained.TrySetResult();
            }
        }

        Wake();
        ReportStatusChanged(changed);
    }

    /// <summary>Hands a new non-final status to <see cref="WaitOptions.StatusChanged"/>, outside the lock; its failure is not the wait's.</summary>
    private void ReportStatusChanged(HiApiTask? changed)
    {
        if (changed is null || _options.StatusChanged is not { } report)
        {
            return;
        }

        try
        {
            report(changed);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Bookkeeping (a ledger the disk refuses) must not end the wait: the status is still shown and awaited.
        }
    }

    private void ScheduleNext(TrackedTask tracked, DateTimeOffset now)
    {
        if (now >= tracked.Deadline)
        {
            Finish(tracked, WaitEventKind.TimedOut, TimeoutError(tracked));
            return;
        }

        var next = now + _options.PollInterval;
        Schedule(tracked, next < tracked.Deadline ? next : tracked.Deadline);
    }

    /// <summary>The progress estimate: see <see cref="WaitProgress.PercentComplete"/>. Called under the lock.</summary>
    private (int Percent, int? SecondsRemaining) EstimateLocked(DateTimeOffset now)
    {
        if (_tracked.Count == 0)
        {
            return (0, null);
        }

        if (_renderTimes.Count == 0)
        {
            // Nothing measured yet: only what is known, the tasks that ended; no time left is shown.
            return ((int)Math.Clamp(Math.Floor(_finished * 100.0 / _tracked.Count), 0, 100), null);
        }

        var typical = Median(_renderTimes);
        double sum = 0;
        TimeSpan? longest = null;
        foreach (var tracked in _tracked.Values)
        {
            if (tracked.Ended)
            {
                sum += 1;
                continue;
            }

            var elapsed = now - tracked.RenderStart;
            sum += Math.Min(0.95, Math.Max(0, elapsed / typical));
            var left = elapsed < typical ? typical - elapsed : _options.PollInterval;
            var untilDeadline = tracked.Deadline - now;
            if (left > untilDeadline)
            {
                left = untilDeadline > TimeSpan.Zero ? untilDeadline : TimeSpan.Zero;
            }

            longest = longest is { } l && l > left ? l : left;
        }

        var percent = (int)Math.Clamp(Math.Floor(sum * 100 / _tracked.Count), 0, 100);
        return (percent, longest is { } span ? (int)Math.Ceiling(span.TotalSeconds) : null);
    }

    private static TimeSpan Median(List<TimeSpan> values)
    {
        var sorted = values.OrderBy(value => value).ToArray();
        return sorted[sorted.Length / 2];
    }

    private void Wake()
    {
        TaskCompletionSource wake;
        lock (_gate)
        {
            wake = _wake;
        }

        wake.TrySetResult();
    }

    private void Schedule(TrackedTask tracked, DateTimeOffset pollAt)
    {
        tracked.NextPollAt = pollAt;
        _schedule.Enqueue(tracked, pollAt);
    }

    /// <summary>Takes the fresh state; true when its status differs from the one known before.</summary>
    private bool UpdateState(TrackedTask tracked, HiApiTask fresh)
    {
        var before = tracked.Latest;
        CountStatus(before.Status, -1);
        tracked.Latest = before.WithServerState(fresh);
        CountStatus(tracked.Latest.Status, +1);
        var after = tracked.Latest;
        // A status the enum cannot name is told apart by its text; a known one by itself (a task as submitted has no text yet).
        return before.Status != after.Status
            || (after.Status == HiApiTaskStatus.Unknown && !string.Equals(before.StatusText, after.StatusText, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// A final state a read or a notification found: its render time counts towards the estimate (a task that arrived
    /// already finished, see <see cref="Add"/>, says nothing about how long renders take).
    /// </summary>
    private void FinishTerminal(TrackedTask tracked)
    {
        if (tracked.Latest.Status == HiApiTaskStatus.Success)
        {
            if (_renderTimes.Count < MaxRenderSamples && RenderTime(tracked) is { } renderTime)
            {
                _renderTimes.Add(renderTime);
            }

            Finish(tracked, WaitEventKind.Succeeded, null);
        }
        else
        {
            Finish(tracked, WaitEventKind.Failed, TaskFailedError(tracked.Latest));
        }
    }

    /// <summary>
    /// How long the task took to render, when it can be measured: HiAPI's own <c>created</c> to <c>completed</c> (one
    /// clock), else from its submission here to the read that found it done (a little long: up to one poll interval).
    /// Null for a task whose start is not known (given only by id, without HiAPI's times).
    /// </summary>
    private static TimeSpan? RenderTime(TrackedTask tracked)
    {
        var task = tracked.Latest;
        var renderTime = task.CreatedAt is { } created && task.CompletedAt is { } completed ? completed - created
            : task.SubmittedAt is { } submitted && task.RetrievedAt is { } seen ? seen - submitted
            : (TimeSpan?)null;
        return renderTime > TimeSpan.Zero ? renderTime : null;
    }

    private void Finish(TrackedTask tracked, WaitEventKind kind, HiApiException? error)
    {
        tracked.Ended = true;
        _active--;
        _finished++;
        _events.Writer.TryWrite(new WaitEvent(kind, tracked.Latest, error));
        CompleteEventsIfDone();
    }

    private void CompleteEventsIfDone()
    {
        if (_addingCompleted && _active == 0)
        {
            _events.Writer.TryComplete();
        }
    }

    private void CountStatus(HiApiTaskStatus status, int delta) =>
        _countsByStatus[status] = _countsByStatus.GetValueOrDefault(status) + delta;

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a > b ? a : b;

    internal static HiApiException TaskFailedError(HiApiTask task)
    {
        var detail = task.Error is { } error ? error.ToString() : "no error details";
        return new HiApiException(HiApiErrorKind.TaskFailed, $"Task {task.TaskId} failed: {detail}.")
        {
            ErrorCode = task.Error?.Code,
            TaskId = task.TaskId,
            Task = task,
        };
    }

    private HiApiException TimeoutError(TrackedTask tracked)
    {
        var task = tracked.Latest;
        var lastError = tracked.LastError is { } error ? $" The last status read failed: {error.Message}" : string.Empty;
        return new HiApiException(
            HiApiErrorKind.Timeout,
            $"Task {task.TaskId} is still {task.DescribeStatus()} after waiting {FormatDuration(_options.Timeout)}; " +
            "it may still finish: wait for it again later." + lastError)
        {
            TaskId = task.TaskId,
            Task = task,
        };
    }

    private static string FormatDuration(TimeSpan span) =>
        span.TotalSeconds < 120 ? $"{span.TotalSeconds:0.##} s" : $"{span.TotalMinutes:0.##} min";
}
