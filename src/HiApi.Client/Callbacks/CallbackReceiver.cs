using System.Collections.Concurrent;
using System.Threading.Channels;

namespace HiApi.Client;

/// <summary>
/// Turns the receipts of a <see cref="CallbackListener"/> into trustworthy results. An unsigned callback is only a
/// hint: its task id must be known (awaited, or found by <c>lookupKnownTask</c>, i.e. the ledger), and then the task is
/// read again with the key; nothing in the body (status, URL) is ever used. A callback whose signature the listener
/// verified (<see cref="CallbackSignatureCheck.Valid"/>) is HiAPI's own word: for a known id its body is used as it
/// is, without the GET. Each task is reported once, whether its callback came, came twice, or never came and the
/// sweeper (a <see cref="TaskWaiter"/> whose first poll waits <see cref="CallbackReceiverOptions.SweepAfter"/>) found it.
/// </summary>
public sealed class CallbackReceiver : IAsyncDisposable
{
    /// <summary>Verification GETs at once: many callbacks landing together must not look like a flood to the API.</summary>
    private const int MaxConcurrentVerifications = 8;

    /// <summary>How often the ids of callbacks kept for <see cref="CallbackReceiverOptions.UnknownCallbackGrace"/> are looked up again.</summary>
    private static readonly TimeSpan EarlyRecheck = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Early callbacks kept at most: a flood of forged ids must not grow memory, nor the ledger lookups of each recheck,
    /// without bound. An unsigned one is kept as its task id and claimed status only (its body is never used anyway).
    /// </summary>
    private const int MaxEarly = 256;

    private readonly HiApiClient _client;
    private readonly CallbackListener _listener;
    private readonly Func<string, HiApiTask?> _lookupKnownTask;
    private readonly CallbackReceiverOptions _options;
    private readonly TaskWaiter _sweeper;
    private readonly object _gate = new();
    private readonly Dictionary<string, HiApiTask> _awaited = new(StringComparer.Ordinal);
    private readonly HashSet<string> _pending = new(StringComparer.Ordinal);
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Verification> _verifying = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (CallbackReceipt Receipt, DateTimeOffset At)> _early = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<long, Task> _verifications = new();
    private readonly SemaphoreSlim _verificationSlots = new(MaxConcurrentVerifications, MaxConcurrentVerifications);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Channel<CallbackEvent> _events = Channel.CreateUnbounded<CallbackEvent>(new UnboundedChannelOptions
    {
        SingleReader = false,
        SingleWriter = false,
        AllowSynchronousContinuations = false,
    });

    private Task? _receiptLoop;
    private Task? _sweeperLoop;
    private long _nextVerificationId;
    private bool _started;
    private bool _disposed;

    /// <summary>
    /// <paramref name="lookupKnownTask"/> gives the task this user submitted with an id (from the ledger, or the tasks
    /// piped in), with its request fields, or null when the id is unknown. It runs on the receiver's loop, one call at
    /// a time: keep it quick. Tasks passed to <see cref="Await"/> are known without it.
    /// </summary>
    public CallbackReceiver(
        HiApiClient client,
        CallbackListener listener,
        Func<string, HiApiTask?> lookupKnownTask,
        CallbackReceiverOptions options,
        TimeProvider? timeProvider = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _listener = listener ?? throw new ArgumentNullException(nameof(listener));
        _lookupKnownTask = lookupKnownTask ?? throw new ArgumentNullException(nameof(lookupKnownTask));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _time = timeProvider ?? TimeProvider.System;
        _sweeper = new TaskWaiter(
            client,
            new WaitOptions
            {
                FirstPollDelay = options.SweepAfter,
                PollInterval = options.SweepInterval,
                Timeout = options.TaskTimeout,
            },
            timeProvider);
    }

    /// <summary>Awaited tasks not yet reported as succeeded, failed, timed out or errored by the sweeper.</summary>
    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>
    /// Expects a callback for <paramref name="task"/>: its id becomes known, and the sweeper polls it if no callback
    /// has brought it by <see cref="CallbackReceiverOptions.SweepAfter"/> after its submission. Thread-safe; a task
    /// already awaited or reported is ignored. A task that already succeeded (with its URL) or failed is reported at once.
    /// </summary>
    public void Await(HiApiTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        (CallbackReceipt Receipt, DateTimeOffset At) early;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_reported.Contains(task.TaskId) || !_awaited.TryAdd(task.TaskId, task))
            {
                return;
            }

            _pending.Add(task.TaskId);
            _early.Remove(task.TaskId, out early);
        }

        _sweeper.Add(task);
        if (early.Receipt is { } receipt)
        {
            HandleReceipt(receipt); // its callback came before the task did
        }
    }

    /// <summary>Starts the listener (if it is not yet) and begins handling callbacks and sweeps. A second call does nothing.</summary>
    /// <exception cref="HiApiException">Kind <see cref="HiApiErrorKind.Configuration"/>: the listener cannot bind its prefixes.</exception>
    public void Start()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_started)
            {
                return;
            }

            _listener.Start();
            _started = true;
            _receiptLoop = Task.Run(ReadReceiptsAsync);
            _sweeperLoop = Task.Run(ReadSweeperAsync);
        }
    }

    /// <summary>The next event; null once the receiver has been disposed.</summary>
    public ValueTask<CallbackEvent?> ReadAsync(CancellationToken ct)
        => _events.Reader.ReadOrNullAsync(ct);

    /// <summary>An event if one is ready, without waiting.</summary>
    public bool TryRead(out CallbackEvent? callbackEvent)
        => _events.Reader.TryReadOrNull(out callbackEvent);

    /// <summary>
    /// Stops sweeping and verifying (GETs in flight are cancelled) and ends the event stream. The listener is not
    /// disposed: it belongs to whoever created it.
    /// </summary>
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
        await AwaitQuietly(_receiptLoop).ConfigureAwait(false);
        await AwaitQuietly(_sweeperLoop).ConfigureAwait(false);
        await Task.WhenAll(_verifications.Values.ToArray()).ConfigureAwait(false);
        await _sweeper.DisposeAsync().ConfigureAwait(false);
        _events.Writer.TryComplete();
    }

    private async Task ReadReceiptsAsync()
    {
        try
        {
            var reader = _listener.Receipts;
            Task<bool>? ready = null;
            Task? recheck = null;
            while (true)
            {
                ready ??= reader.WaitToReadAsync(_stopping.Token).AsTask();
                if (HasEarly())
                {
                    // One timer across passes: the kept ids are looked up once per EarlyRecheck, however many receipts come.
                    recheck ??= Task.Delay(EarlyRecheck, _time, _stopping.Token);
                    await Task.WhenAny(ready, recheck).ConfigureAwait(false);
                }
                else
                {
                    await ready.ConfigureAwait(false);
                }

                _stopping.Token.ThrowIfCancellationRequested();
                if (ready.IsCompleted)
                {
                    if (!await ready.ConfigureAwait(false))
                    {
                        break;
                    }

                    ready = null;
                    while (reader.TryRead(out var receipt))
                    {
                        HandleReceipt(receipt);
                    }
                }

                if (recheck is { IsCompleted: true })
                {
                    recheck = null;
                    RecheckEarly();
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // A bug here must not leave a reader waiting forever.
            _events.Writer.TryComplete(ex);
        }
    }

    private bool HasEarly()
    {
        lock (_gate)
        {
            return _early.Count > 0;
        }
    }

    /// <summary>
    /// Keeps the callback of an id not known yet, unless its task was awaited meanwhile (then returns it). Past
    /// <see cref="MaxEarly"/>, the oldest kept callback is reported as unknown and dropped.
    /// </summary>
    private HiApiTask? KeepUnlessAwaited(string taskId, CallbackReceipt receipt)
    {
        (string Id, CallbackReceipt Receipt)? dropped = null;
        lock (_gate)
        {
            if (_awaited.TryGetValue(taskId, out var awaited))
            {
                return awaited;
            }

            // A signed callback is HiAPI's word: an unsigned one for the same id never replaces it, nor a signed one that
            // is not final a signed final one.
            var hasKept = _early.TryGetValue(taskId, out var kept);
            var keepOld = hasKept && kept.Receipt.Signature == CallbackSignatureCheck.Valid
                && (receipt.Signature != CallbackSignatureCheck.Valid || (kept.Receipt.Task!.IsTerminal && !receipt.Task!.IsTerminal));
            if (!keepOld)
            {
                _early[taskId] = (receipt.Signature == CallbackSignatureCheck.Valid ? receipt : Slim(receipt), hasKept ? kept.At : _time.GetUtcNow());
            }

            if (_early.Count > MaxEarly)
            {
                var oldest = _early.MinBy(entry => entry.Value.At);
                _early.Remove(oldest.Key);
                dropped = (oldest.Key, oldest.Value.Receipt);
            }
        }

        if (dropped is { } old)
        {
            Emit(Ignored(old.Id, null, $"Callback from {old.Receipt.RemoteAddress ?? "an unknown address"} for task {old.Id}: not in the ledger, and " +
                $"dropped to make room ({MaxEarly} callbacks of unknown tasks were kept at once: a flood?); nothing was fetched."));
        }

        return null;
    }

    /// <summary>An unsigned callback as it is kept: its task id and claimed status, which is all that is ever used of it.</summary>
    private static CallbackReceipt Slim(CallbackReceipt receipt) =>
        receipt with { Task = new HiApiTask(receipt.Task!.TaskId) { Status = receipt.Task.Status }, Problem = null };

    /// <summary>Looks the kept callbacks' ids up again: a known one is handled, one kept past the grace is reported.</summary>
    private void RecheckEarly()
    {
        KeyValuePair<string, (CallbackReceipt Receipt, DateTimeOffset At)>[] kept;
        lock (_gate)
        {
            kept = _early.ToArray();
        }

        var now = _time.GetUtcNow();
        foreach (var (taskId, (receipt, at)) in kept)
        {
            var known = FindKnown(taskId, out var problem);
            var expired = known is null && (problem is not null || now - at >= _options.UnknownCallbackGrace);
            if (known is null && !expired)
            {
                continue;
            }

            lock (_gate)
            {
                if (!_early.Remove(taskId))
                {
                    continue; // awaited meanwhile: Await handled it
                }
            }

            if (known is not null)
            {
                HandleReceipt(receipt);
            }
            else
            {
                Emit(Ignored(taskId, null, problem ?? Unknown(receipt, taskId)));
            }
        }
    }

    private string Unknown(CallbackReceipt receipt, string taskId, bool stopping = false) =>
        $"Callback from {receipt.RemoteAddress ?? "an unknown address"} for task {taskId}: not in the ledger: a forged or foreign callback; nothing was fetched" +
        (stopping ? " (it was kept in case its task was still on its way; the listening ended first)."
            : _options.UnknownCallbackGrace > TimeSpan.Zero ? $" (it was kept {_options.UnknownCallbackGrace.TotalSeconds:0} s in case its task was still on its way)." : ".");

    /// <summary>
    /// Reports every callback still kept for an unknown id (an <see cref="CallbackEventKind.Ignored"/> event each), for a
    /// caller about to stop listening: none is dropped in silence.
    /// </summary>
    public void ReportKeptCallbacks()
    {
        KeyValuePair<string, (CallbackReceipt Receipt, DateTimeOffset At)>[] kept;
        lock (_gate)
        {
            kept = _early.ToArray();
            _early.Clear();
        }

        foreach (var (taskId, (receipt, _)) in kept)
        {
            Emit(Ignored(taskId, null, Unknown(receipt, taskId, stopping: true)));
        }
    }

    private void HandleReceipt(CallbackReceipt receipt)
    {
        receipt = WithoutKey(receipt);
        var from = receipt.RemoteAddress ?? "an unknown address";
        if (receipt.Task is not { } claimed)
        {
            Emit(Ignored(null, null, receipt.Signature == CallbackSignatureCheck.Invalid
                ? $"Callback from {from} {receipt.Problem}"
                : $"Malformed callback from {from}: {receipt.Problem}"));
            return;
        }

        var taskId = claimed.TaskId;
        var known = FindKnown(taskId, out var lookupProblem);
        if (known is null && lookupProblem is null && _options.UnknownCallbackGrace > TimeSpan.Zero)
        {
            known = KeepUnlessAwaited(taskId, receipt);
            if (known is null)
            {
                return; // kept: handled when its task is awaited or in the ledger, reported if it never is
            }
        }

        if (known is null)
        {
            Emit(Ignored(taskId, null, lookupProblem ?? Unknown(receipt, taskId)));
            return;
        }

        string? duplicateNote = null;
        bool? signedAndAwaited = null;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            if (_reported.Contains(taskId))
            {
                duplicateNote = $"Callback from {from} for task {taskId}: duplicate, the task was already reported.";
            }
            else if (_verifying.TryGetValue(taskId, out var running))
            {
                // Checked again if the running GET comes back not final: it may have been sent just before this callback's news.
                running.CheckAgain = true;
                duplicateNote = $"Callback from {from} for task {taskId}: duplicate, the task is being verified already.";
            }
            else if (receipt.Signature == CallbackSignatureCheck.Valid)
            {
                signedAndAwaited = _awaited.ContainsKey(taskId);
                if (claimed.IsTerminal)
                {
                    _reported.Add(taskId);
                    _pending.Remove(taskId);
                }
            }
            else
            {
                _verifying.Add(taskId, new Verification());
                var id = Interlocked.Increment(ref _nextVerificationId);
                var verification = VerifyAsync(known, claimed.DescribeStatus(), from);
                _verifications[id] = verification;
                _ = verification.ContinueWith(_ => _verifications.TryRemove(id, out Task? _), TaskScheduler.Default);
            }
        }

        if (duplicateNote is not null)
        {
            Emit(Ignored(taskId, known, duplicateNote));
        }
        else if (signedAndAwaited is { } awaited)
        {
            ReportSigned(known, claimed, awaited, from);
        }
    }

    /// <summary>
    /// The receipt without the API key: HiAPI was sent it and a callback may repeat it anywhere (the listener only knows
    /// the signing key). A claimed task whose id or URL holds it becomes a problem: such a task is never used.
    /// </summary>
    private CallbackReceipt WithoutKey(CallbackReceipt receipt)
    {
        var secrets = _client.Secrets;
        if (receipt.Task is not { } claimed)
        {
            return receipt with { Problem = secrets.Redact(receipt.Problem) };
        }

        try
        {
            return receipt with { Task = secrets.Redact(claimed) };
        }
        catch (HiApiException refused)
        {
            return receipt with { Task = null, Problem = $"The callback body is not a HiAPI task: {refused.Message}" };
        }
    }

    /// <summary>A verified signature makes the body HiAPI's own: it is used as it is, and nothing is fetched.</summary>
    private void ReportSigned(HiApiTask known, HiApiTask signed, bool awaited, string from)
    {
        var merged = known.WithServerState(signed);
        _sweeper.Notify(signed);
        if (merged.IsTerminal)
        {
            Emit(Final(merged, $"Callback from {from}, signature verified: trusted without a GET.", fromSweeper: false));
            return;
        }

        try
        {
            if (!awaited)
            {
                // Known from the ledger only: now that it is expected, let the sweeper make sure it is not lost.
                Await(merged);
            }
        }
        catch (ObjectDisposedException)
        {
            return; // the receiver is going away
        }

        Emit(Ignored(known.TaskId, merged,
            $"Signed callback from {from} for task {known.TaskId} says {merged.DescribeStatus()}: not final yet; the task is still awaited."));
    }

    private HiApiTask? FindKnown(string taskId, out string? problem)
    {
        problem = null;
        lock (_gate)
        {
            if (_awaited.TryGetValue(taskId, out var awaited))
            {
                return awaited;
            }
        }

        try
        {
            var known = _lookupKnownTask(taskId);
            return known is not null && string.Equals(known.TaskId, taskId, StringComparison.Ordinal) ? known : null;
        }
        catch (Exception ex)
        {
            problem = $"Callback for task {taskId}: looking it up in the ledger failed ({ex.Message}); nothing was fetched.";
            return null;
        }
    }

    /// <summary>Reads the task with the key; only that answer decides. Runs beside the receipt loop, never blocking it.</summary>
    private async Task VerifyAsync(HiApiTask known, string claimedStatus, string from)
    {
        await Task.Yield();
        var taskId = known.TaskId;
        var checkAgain = true;
        try
        {
            while (checkAgain)
            {
                checkAgain = false;
                HiApiTask? fresh = null;
                HiApiException? error = null;
                await _verificationSlots.WaitAsync(_stopping.Token).ConfigureAwait(false);
                try
                {
                    fresh = await _client.GetTaskAsync(taskId, _stopping.Token).ConfigureAwait(false);
                }
                catch (HiApiException ex)
                {
                    error = ex;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    error = new HiApiException(
                        HiApiErrorKind.InvalidResponse,
                        _client.Secrets.Redact($"Task {taskId}: reading its state failed: {ex.Message}"),
                        _client.Secrets.IsIn(ex.ToString()) ? null : ex)
                    {
                        TaskId = taskId,
                    };
                }
                finally
                {
                    _verificationSlots.Release();
                }

                if (error is not null)
                {
                    lock (_gate)
                    {
                        _verifying.Remove(taskId);
                    }

                    // Not final for the task: the sweeper keeps polling it and a later callback may still report it.
                    Emit(new CallbackEvent(CallbackEventKind.Errored, taskId, known, error.With(task: known),
                        $"Callback from {from} for task {taskId}: verifying it with GET failed.", fromSweeper: false));
                    return;
                }

                var merged = known.WithServerState(fresh!);
                if (merged.IsTerminal)
                {
                    bool first;
                    lock (_gate)
                    {
                        _verifying.Remove(taskId);
                        first = _reported.Add(taskId);
                        _pending.Remove(taskId);
                    }

                    _sweeper.Notify(fresh!);
                    Emit(first
                        ? Final(merged, $"Callback from {from}, verified with GET.", fromSweeper: false)
                        : Ignored(taskId, merged, $"Callback from {from} for task {taskId}: duplicate, the task was already reported."));
                    return;
                }

                bool awaited;
                lock (_gate)
                {
                    checkAgain = _verifying.TryGetValue(taskId, out var state) && state.CheckAgain;
                    if (checkAgain)
                    {
                        state!.CheckAgain = false;
                    }
                    else
                    {
                        _verifying.Remove(taskId);
                    }

                    awaited = _awaited.ContainsKey(taskId);
                }

                if (!awaited)
                {
                    // Known from the ledger only: now that it is expected, let the sweeper make sure it is not lost.
                    Await(merged);
                }

                _sweeper.Notify(fresh!);
                Emit(Ignored(taskId, merged,
                    $"Callback from {from} for task {taskId} said {claimedStatus}, but HiAPI says {merged.DescribeStatus()}: " +
                    "not final yet (an early or forged callback); the task is still awaited."));
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (ObjectDisposedException)
        {
            // Await after disposal began: the receiver is going away anyway.
        }
    }

    private async Task ReadSweeperAsync()
    {
        try
        {
            while (await _sweeper.ReadAsync(_stopping.Token).ConfigureAwait(false) is { } swept)
            {
                var taskId = swept.Task.TaskId;
                lock (_gate)
                {
                    // A verified callback already reported it (and told the sweeper, which then reports it too).
                    if (_reported.Contains(taskId))
                    {
                        continue;
                    }

                    if (swept.Kind is WaitEventKind.Succeeded or WaitEventKind.Failed)
                    {
                        _reported.Add(taskId);
                    }

                    _pending.Remove(taskId);
                }

                Emit(swept.Kind switch
                {
                    WaitEventKind.Succeeded or WaitEventKind.Failed =>
                        Final(swept.Task, "No callback came in time: the sweeper polled the task.", fromSweeper: true),
                    WaitEventKind.TimedOut =>
                        new CallbackEvent(CallbackEventKind.TimedOut, taskId, swept.Task, swept.Error, "No callback and no final status in time.", fromSweeper: true),
                    _ =>
                        new CallbackEvent(CallbackEventKind.Errored, taskId, swept.Task, swept.Error, "The sweeper could not read the task.", fromSweeper: true),
                });
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            _events.Writer.TryComplete(ex);
        }
    }

    private static CallbackEvent Final(HiApiTask task, string note, bool fromSweeper) =>
        task.Status == HiApiTaskStatus.Success
            ? new CallbackEvent(CallbackEventKind.Succeeded, task.TaskId, task, null, note, fromSweeper)
            : new CallbackEvent(CallbackEventKind.Failed, task.TaskId, task, TaskWaiter.TaskFailedError(task), note, fromSweeper);

    private static CallbackEvent Ignored(string? taskId, HiApiTask? task, string note) =>
        new(CallbackEventKind.Ignored, taskId, task, null, note, fromSweeper: false);

    private void Emit(CallbackEvent callbackEvent) => _events.Writer.TryWrite(callbackEvent);

    private static async Task AwaitQuietly(Task? task)
    {
        if (task is null)
        {
            return;
        }

        try
        {
            await task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>One task's verification in flight; touched only under the receiver's lock.</summary>
    private sealed class Verification
    {
        public bool CheckAgain { get; set; }
    }
}
