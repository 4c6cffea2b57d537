namespace HiApi.Client;

/// <summary>
/// The client plus the task ledger: every operation a cmdlet performs, with the bookkeeping that makes sure a
/// paid task is never lost. A task is recorded the moment its id comes back, each status read updates the
/// record, and a saved file is noted so a resumed run skips it. Without a ledger (switched off) it is the
/// plain client.
/// </summary>
public sealed class HiApiSession
{
    private readonly Action<string>? _warn;
    private readonly Lazy<HiApiClient> _client;
    private BatchRun? _defaultRun;

    /// <summary>Ledger problems go to <paramref name="warn"/>: they never fail the API operation itself.</summary>
    public HiApiSession(HiApiClient client, TaskLedger? ledger, VideoDownloader? downloader = null, Action<string>? warn = null)
        : this(() => client ?? throw new ArgumentNullException(nameof(client)), ledger, downloader, warn)
    {
    }

    /// <summary>
    /// The client is built on first use: saving a task already in hand, or reading the ledger, needs no key
    /// (the download URL is signed), so a missing key must not stop them.
    /// </summary>
    public HiApiSession(Func<HiApiClient> clientFactory, TaskLedger? ledger, VideoDownloader? downloader = null, Action<string>? warn = null)
    {
        ArgumentNullException.ThrowIfNull(clientFactory);
        _client = new Lazy<HiApiClient>(clientFactory, LazyThreadSafetyMode.ExecutionAndPublication);
        Ledger = ledger;
        Downloader = downloader ?? new VideoDownloader();
        _warn = warn;
    }

    public HiApiClient Client => _client.Value;

    public TaskLedger? Ledger { get; }

    public VideoDownloader Downloader { get; }

    /// <summary>
    /// Submits a paid task in this session's own batch (one per session, named like a run without <c>-Batch</c>),
    /// write-ahead: the request and its key are claimed in the ledger (see <see cref="TaskLedger.Claim"/>) before the
    /// POST, and the task id is recorded before the task is returned. When the ledger already knows
    /// the key, its task is handed back, or its unanswered submission is sent again with the key; nothing is paid twice.
    /// </summary>
    public Task<HiApiTask> SubmitAsync(VideoRequest request, string? idempotencyKey = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequestValidator.ThrowIfInvalid(request, idempotencyKey: idempotencyKey);
        var run = LazyInitializer.EnsureInitialized(ref _defaultRun, () => BatchRun.Start(this, name: null));
        var input = run.Plan(request, idempotencyKey);
        var claim = run.Claim(input);
        return SendAsync(input.Submission, claim, ct);
    }

    /// <summary>
    /// What the ledger knows of <paramref name="planned"/>'s key, without writing (null without a ledger). A ledger that
    /// cannot be read is reported like one that cannot be written: nothing may be sent without knowing.
    /// </summary>
    public SubmissionClaim? Peek(PlannedSubmission planned) => Ledger is { } ledger ? OrFileSystemError(ledger, () => ledger.Peek(planned)) : null;

    /// <summary>
    /// Claims <paramref name="planned"/> in the ledger before anything is sent (null without a ledger). If the ledger
    /// cannot record it, nothing may be sent: a <see cref="HiApiErrorKind.FileSystem"/> error says so.
    /// </summary>
    public SubmissionClaim? Claim(PlannedSubmission planned) => Ledger is { } ledger ? OrFileSystemError(ledger, () => ledger.Claim(planned)) : null;

    /// <summary>Records that a run of a batch started: before its first submission, so every submission has its batch.</summary>
    internal void RecordBatchStarted(string name, bool named)
    {
        if (Ledger is { } ledger)
        {
            OrFileSystemError(ledger, () =>
            {
                ledger.RecordBatch(name, named, LedgerBatch.RunningStatus);
                return true;
            });
        }
    }

    /// <summary>
    /// Sends a claimed submission: the claim (null without a ledger) says whether it is new or an unanswered earlier one,
    /// sent again with its own key and the bytes first sent, so HiAPI returns the task it created or creates it once.
    /// Hands back the task when the claim found one (another run created it meanwhile); refuses a key the ledger holds
    /// with another request, and an unanswered submission older than the key's window (HiAPI may have forgotten the key:
    /// a re-send could pay twice; reconcile finds its task instead).
    /// </summary>
    public Task<HiApiTask> SendAsync(PlannedSubmission planned, SubmissionClaim? claim, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(planned);
        switch (claim?.Kind)
        {
            case SubmissionClaimKind.Created:
                return Task.FromResult(HandBack(claim.Task!, planned));
            case SubmissionClaimKind.Conflict:
                throw claim.ConflictError(planned);
            case SubmissionClaimKind.Unresolved:
                var earlier = claim.Submission!;
                if (earlier.SubmittedAt is { } submitted && DateTimeOffset.UtcNow - submitted > IdempotencyKeys.ReplayWindow)
                {
                    throw TooOldToResend(earlier, submitted);
                }

                // The bytes first sent: HiAPI fingerprints the body, and a later version of this code might write it otherwise.
                return CreateAndRecordAsync(earlier.Planned with
                {
                    Batch = earlier.Batch ?? planned.Batch,
                    InputNumber = earlier.InputNumber ?? planned.InputNumber,
                    EstimatedCostUsd = earlier.EstimatedCostUsd ?? planned.EstimatedCostUsd,
                    Row = planned.Row ?? earlier.Row,
                }, claim.Attempt, earlier, ct);
            default:
                return CreateAndRecordAsync(planned, claim?.Attempt, unanswered: null, ct);
        }
    }

    /// <summary>
    /// The task the ledger holds for <paramref name="planned"/>'s key, handed back instead of paying again, carrying the
    /// row of the input that asked for it now: the row is not part of the request, so an edited column (a new
    /// <c>Notes</c>) still gets the same task, and the ledger then keeps the new row.
    /// </summary>
    public HiApiTask HandBack(LedgerEntry known, PlannedSubmission planned)
    {
        ArgumentNullException.ThrowIfNull(known);
        ArgumentNullException.ThrowIfNull(planned);
        var task = LedgerTaskMapper.ToTask(known);
        if (planned.Row is not { } row || row.SameAs(known.Row))
        {
            return task;
        }

        TryLedger(ledger =>
        {
            ledger.RecordRow(known.TaskId, row);
            return true;
        });
        return task.WithRow(row);
    }

    /// <summary>
    /// Settles one submission piped back from the ledger: claimed again, then sent with its own key and the bytes first
    /// sent, so HiAPI returns the task it created, or creates it now, exactly once; the task is recorded. One that created a
    /// task meanwhile hands it back; a refused one is sent again.
    /// </summary>
    public Task<HiApiTask> SettleAsync(LedgerSubmission submission, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var claim = Claim(submission.Planned);
        return SendAsync(submission.Planned, claim, ct);
    }

    /// <summary>
    /// Lists the account's tasks created since <paramref name="since"/> (newest first, page by page) and records every
    /// one the ledger does not know, so the resume path waits for and saves it too; then closes the unresolved
    /// submissions older than the idempotency window, which a listing is the only way left to settle. Returns the
    /// tasks that were new to the ledger.
    /// </summary>
    public async Task<IReadOnlyList<HiApiTask>> ReconcileAsync(DateTimeOffset since, int pageSize = 100, CancellationToken ct = default)
    {
        var found = new List<HiApiTask>();
        var listed = 0;
        DateTimeOffset? oldestListed = null;
        var stoppedAtCap = false;
        for (var page = 1; ; page++)
        {
            if (page > MaxReconcilePages)
            {
                stoppedAtCap = true;
                break;
            }

            var listing = await Client.ListTasksAsync(page, pageSize, ct).ConfigureAwait(false);
            listed += listing.Tasks.Count;
            oldestListed = listing.Tasks.Select(task => task.CreatedAt).Where(at => at is not null).DefaultIfEmpty(oldestListed).Min();
            var reachedOlder = false;
            foreach (var task in listing.Tasks)
            {
                if (task.CreatedAt is { } created && created < since)
                {
                    reachedOlder = true;
                    continue;
                }

                if (Ledger is null || TryLedger(ledger => ledger.Find(task.TaskId)) is not null)
                {
                    continue;
                }

                var adopted = task.WithSubmission(null, null, null, null, task.CreatedAt);
                TryLedger(ledger =>
                {
                    ledger.RecordSubmitted(LedgerTaskMapper.ToSubmittedEntry(adopted));
                    return true;
                });
                found.Add(adopted);
            }

            if (reachedOlder || !listing.HasMore || listing.Tasks.Count == 0)
            {
                break;
            }
        }

        if (stoppedAtCap)
        {
            // Never a silent stop: the account holds more tasks in the window than one reconcile reads.
            _warn?.Invoke(
                $"Reconcile stopped after {MaxReconcilePages} pages ({listed} tasks listed, {found.Count} of them new to the ledger and recorded): " +
                $"the account has more tasks created since {since.ToUniversalTime():yyyy-MM-dd HH:mm} UTC than one reconcile reads. Tasks created " +
                $"before {(oldestListed is { } oldest ? oldest.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) + " UTC" : "the last one listed")} " +
                "were not looked at.");
        }

        var now = DateTimeOffset.UtcNow;
        TryLedger(ledger =>
        {
            foreach (var stale in ledger.GetUnresolvedSubmissions().Where(s => s.SubmittedAt is { } at && now - at > IdempotencyKeys.ReplayWindow && at >= since))
            {
                ledger.RecordSubmissionReconciled(stale.IdempotencyKey);
            }

            return true;
        });
        return found;
    }

    /// <summary>
    /// Where a reconcile's listing starts when the caller does not say: HiAPI's key window back from
    /// <paramref name="now"/>, or further, to just before the oldest unanswered submission, so that every submission a
    /// reconcile may close was looked for (a margin of <see cref="ClockMargin"/> allows for clocks).
    /// </summary>
    public DateTimeOffset DefaultReconcileSince(DateTimeOffset now)
    {
        var since = now - IdempotencyKeys.ServerKeyWindow;
        var oldest = GetUnresolvedSubmissions().Select(submission => submission.SubmittedAt).Where(at => at is not null).DefaultIfEmpty().Min();
        return oldest is { } at && at - ClockMargin < since ? at - ClockMargin : since;
    }

    /// <summary>How far a task's creation time on HiAPI's clock may precede the submission time on ours.</summary>
    private static readonly TimeSpan ClockMargin = TimeSpan.FromMinutes(10);

    /// <summary>Reads the task, keeps the request fields the ledger knows, and records the status.</summary>
    public async Task<HiApiTask> GetAsync(string taskId, CancellationToken ct = default)
    {
        var fresh = await Client.GetTaskAsync(taskId, ct).ConfigureAwait(false);
        var known = Remember(fresh);
        RecordStatus(known);
        return known;
    }

    /// <summary>The task with the request fields and submission time the ledger holds for it, if any.</summary>
    public HiApiTask Remember(HiApiTask task)
    {
        if (task.SubmittedAt is not null || Ledger is null)
        {
            return task;
        }

        var entry = TryLedger(ledger => ledger.Find(task.TaskId));
        if (entry is null)
        {
            return task;
        }

        var known = LedgerTaskMapper.ToTask(entry);
        return task.Status == HiApiTaskStatus.Unknown && task.StatusText is null ? known : known.WithServerState(task);
    }

    /// <summary>
    /// Records a state read from HiAPI (a read, a poll while waiting, a callback), as of when it was read: every status
    /// change a cmdlet sees, so a listing never shows an older status than the last one seen.
    /// </summary>
    public void RecordStatus(HiApiTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        var status = task.StatusText ?? LedgerTaskMapper.StatusText(task.Status);
        if (status is null)
        {
            return;
        }

        TryLedger(ledger =>
        {
            ledger.RecordStatus(task.TaskId, status, task.VideoUrl, task.ExpiresAt, task.Error?.Code, task.Error?.Message, task.RetrievedAt);
            return true;
        });
    }

    /// <summary>
    /// Forgets tasks in the ledger (see <see cref="TaskLedger.RecordForgotten"/>): they are no longer listed or pending.
    /// HiAPI has no cancel, so a task that had not finished still runs and is still paid for. Returns the entry as it was
    /// (null when the ledger does not know the task). A ledger that cannot record it is a <see cref="HiApiErrorKind.FileSystem"/> error.
    /// </summary>
    public LedgerEntry? Forget(string taskId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(taskId);
        if (Ledger is not { } ledger)
        {
            return null;
        }

        try
        {
            return ledger.RecordForgotten(taskId);
        }
        catch (Exception unrecorded) when (unrecorded is IOException or UnauthorizedAccessException)
        {
            throw new HiApiException(HiApiErrorKind.FileSystem,
                $"Task {taskId} could not be forgotten: the task ledger ({ledger.Path}) could not be written ({IoMessage.Of(unrecorded)}).", unrecorded)
            {
                TaskId = taskId,
            };
        }
    }

    /// <summary>
    /// For a pending task from the ledger whose video expired unsaved: the error that says so, once; the task is then
    /// recorded as lost and is no longer pending, so the next run does not report it again. Null while it can still be
    /// downloaded.
    /// </summary>
    public HiApiException? ReportExpired(HiApiTask task, DateTimeOffset now)
    {
        if (CheckExpired(task, now) is not { } expired)
        {
            return null;
        }

        return TryLedger(ledger => ledger.RecordLost(task.TaskId)) is null
            ? expired
            : expired.With(message: expired.Message + " It is now recorded as lost, and no longer pending: this is said once.");
    }

    /// <summary>
    /// The ledger's unfinished work: tasks not yet terminal, and successful ones never saved (expired ones
    /// included, so the caller can say which videos are lost). Empty without a ledger.
    /// </summary>
    public IReadOnlyList<HiApiTask> GetPending()
        => TryLedger(ledger => ledger.GetPending().Select(LedgerTaskMapper.ToTask).ToList()) ?? (IReadOnlyList<HiApiTask>)Array.Empty<HiApiTask>();

    /// <summary>
    /// Every task the ledger holds, as it last knew them (with when each status was seen), in submission order; no request
    /// is made. Tasks the user forgot are left out.
    /// </summary>
    public IReadOnlyList<HiApiTask> GetKnownTasks()
        => TryLedger(ledger => ledger.Load().Where(entry => !entry.IsForgotten).Select(LedgerTaskMapper.ToTask).ToList())
            ?? (IReadOnlyList<HiApiTask>)Array.Empty<HiApiTask>();

    /// <summary>Submissions sent and never answered: HiAPI may have created (and charged) a task for each. Oldest first.</summary>
    public IReadOnlyList<LedgerSubmission> GetUnresolvedSubmissions()
        => TryLedger(ledger => ledger.GetUnresolvedSubmissions()) ?? (IReadOnlyList<LedgerSubmission>)Array.Empty<LedgerSubmission>();

    /// <summary>
    /// For a pending task from the ledger: the error that says its video expired unsaved (and is lost), or null
    /// while it can still be downloaded.
    /// </summary>
    public static HiApiException? CheckExpired(HiApiTask task, DateTimeOffset now)
    {
        if (task.Status != HiApiTaskStatus.Success || task.ExpiresAt is not { } expiresAt || expiresAt > now)
        {
            return null;
        }

        return new HiApiException(
            HiApiErrorKind.OutputExpired,
            $"The video of task {task.TaskId} expired at {expiresAt.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC before it was saved; it can no longer be downloaded and must be generated again.")
        {
            TaskId = task.TaskId,
            Task = task,
        };
    }

    /// <summary>
    /// Downloads the task's video to <paramref name="targetFile"/> and records it, with its length and SHA-256, once it is
    /// saved and verified as a whole MP4. A file this ledger already saved there, still intact (same length and hash; a
    /// save an older version recorded without a hash: same length and a whole MP4), is not downloaded again unless
    /// <see cref="DownloadOptions.Force"/>; one damaged since (cut short, changed in place) is the task's own, so it is
    /// downloaded again and replaced the way a first save goes in place, with a warning that says what was wrong. A file
    /// the ledger never saved there stays refused. A verified video that could not be put in place
    /// (see <see cref="HiApiException.KeptFile"/>) is recorded where it was kept, so it is never lost, and the same
    /// save run again moves that copy into place instead of downloading (even once the URL has expired).
    /// </summary>
    public async Task<SaveResult> SaveAsync(HiApiTask task, string targetFile, DownloadOptions options, CancellationToken ct = default)
    {
        var placing = options;
        if (!options.Force && FindOwnSave(task.TaskId, targetFile) is { } own)
        {
            if (own.Damage is null)
            {
                return await WithSidecarAsync(task, new SaveResult(own.File, AlreadySaved: true), options, ct).ConfigureAwait(false);
            }

            _warn?.Invoke(
                $"{task.TaskId}: '{own.File.FullName}' is this task's own earlier save, damaged since: {own.Damage}. It is downloaded again, " +
                "and the new copy replaces it only once it is whole and verified.");
            placing = options.WithForce(); // the task's own file is not "another file" in the way
        }

        FileInfo file;
        try
        {
            file = !options.Force && FindKeptCopy(task.TaskId, targetFile) is { } kept
                ? await Downloader.PlaceKeptAsync(task, kept.FullName, targetFile, placing, ct).ConfigureAwait(false)
                : await Downloader.DownloadAsync(task, targetFile, placing, ct).ConfigureAwait(false);
        }
        catch (HiApiException notInPlace) when (notInPlace.KeptFile is { } keptFile && File.Exists(keptFile))
        {
            TryLedger(ledger =>
            {
                ledger.RecordSaved(task.TaskId, keptFile, new FileInfo(keptFile).Length, HashOrNull(keptFile));
                return true;
            });
            throw;
        }

        TryLedger(ledger =>
        {
            ledger.RecordSaved(task.TaskId, file.FullName, file.Length, HashOrNull(file.FullName));
            return true;
        });
        return await WithSidecarAsync(task, new SaveResult(file, AlreadySaved: false), options, ct).ConfigureAwait(false);
    }

    /// <summary>The saved file's SHA-256; null when it cannot be read back now (the save is then checked as an older one's).</summary>
    private static string? HashOrNull(string path)
    {
        try
        {
            return SavedFileHash.Of(path);
        }
        catch (Exception unreadable) when (unreadable is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The saved video with its sidecar written beside it, when asked for; a sidecar that fails does not unsave the video.</summary>
    private static async Task<SaveResult> WithSidecarAsync(HiApiTask task, SaveResult saved, DownloadOptions options, CancellationToken ct)
    {
        if (!options.Sidecar)
        {
            return saved;
        }

        try
        {
            var sidecar = await VideoSidecar.WriteAsync(task, saved.File, options.Force, ct).ConfigureAwait(false);
            options.Log?.Invoke(sidecar.Written
                ? $"{task.TaskId}: wrote its sidecar {sidecar.File.FullName}."
                : $"{task.TaskId}: its sidecar {sidecar.File.FullName} already holds this; left as it is.");
            return saved with { Sidecar = sidecar };
        }
        catch (HiApiException failed)
        {
            return saved with { SidecarError = failed };
        }
    }

    /// <summary>Listing pages read by one reconcile at most (100 tasks each): a bound, not an expected size.</summary>
    private const int MaxReconcilePages = 100;

    /// <summary>
    /// Sends a keyed create and records what came of it; the submission must already be claimed in the ledger
    /// (<paramref name="attempt"/>: the send the claim wrote). <paramref name="unanswered"/> is the earlier send of the same
    /// submission that never got an answer, when this is a re-send: HiAPI may have created its task, so no refusal of
    /// this send proves otherwise, and the submission stays unresolved until a task id comes back.
    /// </summary>
    private async Task<HiApiTask> CreateAndRecordAsync(PlannedSubmission planned, string? attempt, LedgerSubmission? unanswered, CancellationToken ct)
    {
        HiApiTask task;
        try
        {
            task = await Client.CreateTaskAsync(planned.Request, planned.IdempotencyKey, ct).ConfigureAwait(false);
        }
        catch (HiApiException refused) when (!refused.TaskMayHaveBeenCreated)
        {
            if (unanswered is not null)
            {
                var sent = unanswered.SubmittedAt is { } at ? $" (sent {at.ToUniversalTime():yyyy-MM-dd HH:mm} UTC)" : string.Empty;
                throw refused.With(
                    message: $"{refused.Message} An earlier send of this submission{sent} never got an answer, so HiAPI may still have created its task; " +
                        "this refusal does not prove otherwise. " + SettleAdvice(planned),
                    taskMayHaveBeenCreated: true);
            }

            // A refusal no attempt of this send may have got past closes the submission: nothing was created. Unless
            // another run sent it again meanwhile: then that send's answer decides, and this one says so.
            // (A ledger that cannot be written says so in a warning; the refusal itself stands.)
            var closed = TryLedger<bool?>(ledger => ledger.RecordSubmissionRejected(
                planned.IdempotencyKey, attempt, refused.ErrorCode ?? refused.Kind.ToString(), refused.Message)) ?? true;
            if (!closed)
            {
                throw refused.With(
                    message: $"{refused.Message} Another run sent this submission again meanwhile, and its answer decides whether HiAPI created the task. " +
                        SettleAdvice(planned),
                    taskMayHaveBeenCreated: true);
            }

            throw;
        }
        catch (HiApiException unknown) when (Ledger is not null)
        {
            throw unknown.With(message: unknown.Message + " " + SettleAdvice(planned));
        }

        task = task.WithSubmission(planned.Request, planned.IdempotencyKey, planned.Batch, planned.InputNumber, task.SubmittedAt, planned.EstimatedCostUsd, planned.Row);
        if (TryLedger(ledger => ledger.Find(task.TaskId)) is { IdempotencyKey: { } otherKey } other && otherKey != planned.IdempotencyKey)
        {
            // One task id for two submissions: recording it would move the other input's task to this one. Neither is
            // guessed: this submission stays unresolved, and the error says what came back.
            throw new HiApiException(
                HiApiErrorKind.InvalidResponse,
                $"HiAPI answered this submission with task {task.TaskId}, which the task ledger already holds for another submission " +
                $"({(other.InputNumber is { } n ? $"input {n} of " : string.Empty)}batch '{other.Batch}', Idempotency-Key {otherKey}). " +
                "One task cannot be both, so nothing was recorded for this one. " + SettleAdvice(planned))
            {
                TaskId = task.TaskId,
                TaskMayHaveBeenCreated = true,
            };
        }

        TryLedger(ledger =>
        {
            ledger.RecordSubmitted(LedgerTaskMapper.ToSubmittedEntry(task));
            return true;
        }, $"Task {task.TaskId} was created but could not be written to the ledger; note its id.");
        return task;
    }

    /// <summary>
    /// Where an unanswered submission is left: what settles it (the same batch again, or the submission piped back from the
    /// ledger) is the cmdlet's recommended action, not repeated here.
    /// </summary>
    internal static string SettleAdvice(PlannedSubmission planned) =>
        $"It stays unresolved in the task ledger (batch '{planned.Batch}').";

    private static HiApiException TooOldToResend(LedgerSubmission submission, DateTimeOffset submitted) => new(
        HiApiErrorKind.Timeout,
        $"The submission with Idempotency-Key {submission.IdempotencyKey} (sent {submitted.ToUniversalTime():yyyy-MM-dd HH:mm} UTC, {RequestDescription.Subject(submission.Request)}) never got an answer, " +
        "and it is too old to be sent again safely: HiAPI keeps a key about 24 hours, so a re-send could create a second task. Nothing was sent. " +
        "Run Get-HiApiTask -Reconcile to find the task among your account's tasks.");

    /// <summary>Runs a ledger operation that must succeed before money moves: a failure is a FileSystem error, nothing is sent.</summary>
    private static T OrFileSystemError<T>(TaskLedger ledger, Func<T> operation)
    {
        try
        {
            return operation();
        }
        catch (LedgerReadOnlyException newerLedger)
        {
            // The folder advice below would not help: the module is older than the ledger.
            throw new HiApiException(HiApiErrorKind.FileSystem, $"{newerLedger.Message} Nothing was sent, so nothing was charged.", newerLedger);
        }
        catch (Exception unrecorded) when (unrecorded is IOException or UnauthorizedAccessException)
        {
            throw new HiApiException(
                HiApiErrorKind.FileSystem,
                $"The submission could not be recorded in the task ledger ({ledger.Path}: {IoMessage.Of(unrecorded)}); nothing was sent, so nothing was charged. " +
                "Make the ledger's folder writable (a full or read-only disk, a folder in the file's place, permissions), or choose " +
                "another ledger with -LedgerPath (or -NoLedger to submit without one).",
                unrecorded);
        }
    }

    /// <summary>
    /// The file this ledger saved the task's video to at <paramref name="targetFile"/>, when it is still there, with what is
    /// wrong with it now (null: intact). Null when the ledger never saved the task there, or the file is gone.
    /// </summary>
    private (FileInfo File, string? Damage)? FindOwnSave(string taskId, string targetFile)
    {
        var target = Path.GetFullPath(targetFile);
        if (FindSaved(taskId, path => FolderNaming.SameFile(path, target)) is not { } saved)
        {
            return null;
        }

        var existing = new FileInfo(saved.Path);
        return existing.Exists ? (existing, DamageOf(existing, saved)) : null;
    }

    /// <summary>A copy of the task's video kept beside <paramref name="targetFile"/> when it could not go in place, if still intact.</summary>
    private FileInfo? FindKeptCopy(string taskId, string targetFile)
    {
        if (FindSaved(taskId, path => VerifiedVideoPlacement.IsKeptCopyOf(path, targetFile)) is not { } saved)
        {
            return null;
        }

        var kept = new FileInfo(saved.Path);
        return kept.Exists && DamageOf(kept, saved) is null ? kept : null;
    }

    /// <summary>The last place the ledger saved the task's video that <paramref name="matches"/>.</summary>
    private SavedFile? FindSaved(string taskId, Func<string, bool> matches)
    {
        var entry = TryLedger(ledger => ledger.Find(taskId));
        return entry?.SavedFiles.LastOrDefault(file => matches(Path.GetFullPath(file.Path)));
    }

    /// <summary>
    /// What is wrong with <paramref name="existing"/> compared with the save the ledger recorded, in words; null when it
    /// is intact: the same length and SHA-256, or (a save recorded without a hash) the same length and a whole MP4.
    /// </summary>
    private static string? DamageOf(FileInfo existing, SavedFile saved)
    {
        if (existing.Length != saved.Length)
        {
            return $"it has {existing.Length} bytes, not the {saved.Length} it was saved with";
        }

        if (saved.Sha256 is not { } recorded)
        {
            return IsWholeVideo(existing.FullName) ? null : "it has its saved length but is no longer a whole MP4";
        }

        try
        {
            return string.Equals(SavedFileHash.Of(existing.FullName), recorded, StringComparison.Ordinal)
                ? null
                : "it has its saved length, but its content changed (its SHA-256 is not the one recorded when it was saved)";
        }
        catch (Exception unreadable) when (unreadable is IOException or UnauthorizedAccessException)
        {
            return $"it cannot be read back to check it ({IoMessage.Of(unreadable)})";
        }
    }

    /// <summary>The same structure check a download passes before it is renamed into place.</summary>
    private static bool IsWholeVideo(string path)
    {
        try
        {
            return Mp4Structure.Check(path).Verdict == Mp4Verdict.Whole;
        }
        catch (Exception unreadable) when (unreadable is IOException or UnauthorizedAccessException)
        {
            return false; // cannot be read back: not proven intact, so it is not skipped
        }
    }

    private T? TryLedger<T>(Func<TaskLedger, T> action, string? context = null)
    {
        if (Ledger is null)
        {
            return default;
        }

        try
        {
            return action(Ledger);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The API operation succeeded; losing the bookkeeping (a full disk, or a value the ledger refuses from a
            // broken server) must not lose its result.
            _warn?.Invoke($"{context ?? "The task ledger could not be updated."} Ledger {Ledger.Path}: {exception.Message}");
            return default;
        }
    }
}
