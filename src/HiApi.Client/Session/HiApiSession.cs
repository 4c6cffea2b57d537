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
    /// Submits a paid task, write-ahead: the request and a fresh <c>Idempotency-Key</c> (or the request's own) are on
    /// disk in the ledger before the POST is sent, and the task id is recorded before the task is returned. A process
    /// killed (or a Ctrl+C, which cancels the request) while the POST is in flight therefore leaves a submission whose
    /// outcome is unknown but recoverable: <see cref="ResolveSubmissionsAsync"/> re-sends it with the same key, which
    /// returns the task HiAPI created, or creates it exactly once. If the ledger cannot record the submission, nothing
    /// is sent.
    /// </summary>
    public async Task<HiApiTask> SubmitAsync(VideoRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequestValidator.ThrowIfInvalid(request);
        var keyed = request.WithIdempotencyKey(request.IdempotencyKey ?? IdempotencyKeys.New());
        if (Ledger is { } ledger)
        {
            try
            {
                ledger.RecordSubmitting(keyed.IdempotencyKey!, keyed);
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

        return await CreateAndRecordAsync(keyed, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Settles every submission the ledger holds whose answer never arrived (a killed process, a lost connection, a
    /// Ctrl+C): each is sent again with its own key and body, so HiAPI returns the task it created, or creates it now,
    /// exactly once; the task is then recorded like any other. A submission older than
    /// <see cref="IdempotencyKeys.ReplayWindow"/> is not re-sent (the API may have forgotten its key): its outcome
    /// says to reconcile instead (<see cref="ReconcileAsync"/>). Without a ledger there is nothing to settle.
    /// </summary>
    public async Task<IReadOnlyList<SubmissionOutcome>> ResolveSubmissionsAsync(CancellationToken ct = default)
    {
        var unresolved = GetUnresolvedSubmissions();
        var outcomes = new List<SubmissionOutcome>(unresolved.Count);
        foreach (var submission in unresolved)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                var task = await SettleAsync(submission, ct).ConfigureAwait(false);
                outcomes.Add(new SubmissionOutcome(submission, task, null));
            }
            catch (HiApiException failed)
            {
                outcomes.Add(new SubmissionOutcome(submission, null, failed));
            }
        }

        return outcomes;
    }

    /// <summary>
    /// Settles one submission whose answer never arrived: sent again with its own key and body, so HiAPI returns the
    /// task it created, or creates it now, exactly once; the task is recorded.
    /// </summary>
    /// <exception cref="HiApiException">A submission older than the replay window (the API may have forgotten its key):
    /// it is not sent again; reconcile finds its task.</exception>
    public Task<HiApiTask> SettleAsync(LedgerSubmission submission, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(submission);
        if (submission.SubmittedAt is { } submitted && DateTimeOffset.UtcNow - submitted > IdempotencyKeys.ReplayWindow)
        {
            throw new HiApiException(
                HiApiErrorKind.Timeout,
                $"The submission with Idempotency-Key {submission.IdempotencyKey} (sent {submitted.ToUniversalTime():yyyy-MM-dd HH:mm} UTC, {Describe(submission.Request)}) never got an answer, " +
                "and it is too old to be sent again safely. Run Get-HiApiTask -Reconcile to find the task among your account's tasks.");
        }

        return CreateAndRecordAsync(submission.Request.WithIdempotencyKey(submission.IdempotencyKey), ct);
    }

    /// <summary>What the ledger says was already submitted, by request (empty without a ledger): for a resumed run.</summary>
    public SubmissionHistory LoadSubmissionHistory()
        => TryLedger(ledger => ledger.LoadSubmissionHistory()) ?? SubmissionHistory.Empty;

    /// <summary>
    /// Lists the account's tasks created since <paramref name="since"/> (newest first, page by page) and records every
    /// one the ledger does not know, so the resume path waits for and saves it too; then closes the unresolved
    /// submissions older than the idempotency window, which a listing is the only way left to settle. Returns the
    /// tasks that were new to the ledger.
    /// </summary>
    public async Task<IReadOnlyList<HiApiTask>> ReconcileAsync(DateTimeOffset since, int pageSize = 100, CancellationToken ct = default)
    {
        var found = new List<HiApiTask>();
        for (var page = 1; page <= MaxReconcilePages; page++)
        {
            var listing = await Client.ListTasksAsync(page, pageSize, ct).ConfigureAwait(false);
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

                var adopted = task.WithSubmittedAt(task.CreatedAt);
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

    /// <summary>Records a state learned while waiting (success, fail, or the last status at a timeout).</summary>
    public void RecordStatus(HiApiTask task)
    {
        var status = task.StatusText ?? LedgerTaskMapper.StatusText(task.Status);
        if (status is null)
        {
            return;
        }

        TryLedger(ledger =>
        {
            ledger.RecordStatus(task.TaskId, status, task.VideoUrl, task.ExpiresAt, task.Error?.Code, task.Error?.Message);
            return true;
        });
    }

    /// <summary>
    /// The ledger's unfinished work: tasks not yet terminal, and successful ones never saved (expired ones
    /// included, so the caller can say which videos are lost). Empty without a ledger.
    /// </summary>
    public IReadOnlyList<HiApiTask> GetPending()
        => TryLedger(ledger => ledger.GetPending().Select(LedgerTaskMapper.ToTask).ToList()) ?? (IReadOnlyList<HiApiTask>)Array.Empty<HiApiTask>();

    /// <summary>Every task the ledger holds, as it last knew them, in submission order; no request is made.</summary>
    public IReadOnlyList<HiApiTask> GetKnownTasks()
        => TryLedger(ledger => ledger.Load().Select(LedgerTaskMapper.ToTask).ToList()) ?? (IReadOnlyList<HiApiTask>)Array.Empty<HiApiTask>();

    /// <summary>Submissions whose answer never arrived (see <see cref="ResolveSubmissionsAsync"/>).</summary>
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
    /// Downloads the task's video to <paramref name="targetFile"/> and records it once it is saved and verified as a
    /// whole MP4; a file this ledger already saved there, still intact (same length, same structure check), is not
    /// downloaded again unless <see cref="DownloadOptions.Force"/>.
    /// </summary>
    public async Task<SaveResult> SaveAsync(HiApiTask task, string targetFile, DownloadOptions options, CancellationToken ct = default)
    {
        if (!options.Force && FindIntactSave(task.TaskId, targetFile) is { } existing)
        {
            return new SaveResult(existing, AlreadySaved: true);
        }

        var file = await Downloader.DownloadAsync(task, targetFile, options, ct).ConfigureAwait(false);
        TryLedger(ledger =>
        {
            ledger.RecordSaved(task.TaskId, file.FullName, file.Length);
            return true;
        });
        return new SaveResult(file, AlreadySaved: false);
    }

    /// <summary>Listing pages read by one reconcile at most (100 tasks each): a bound, not an expected size.</summary>
    private const int MaxReconcilePages = 100;

    /// <summary>Sends a keyed create and records what came of it; the submission line must already be on disk.</summary>
    private async Task<HiApiTask> CreateAndRecordAsync(VideoRequest keyed, CancellationToken ct)
    {
        HiApiTask task;
        try
        {
            task = await Client.CreateTaskAsync(keyed, ct).ConfigureAwait(false);
        }
        catch (HiApiException refused) when (!refused.TaskMayHaveBeenCreated)
        {
            // A refusal is final: nothing was created, so the submission is no longer an unknown outcome.
            TryLedger(ledger =>
            {
                ledger.RecordSubmissionRejected(keyed.IdempotencyKey!, refused.ErrorCode ?? refused.Kind.ToString(), refused.Message);
                return true;
            });
            throw;
        }
        catch (HiApiException unknown) when (Ledger is not null)
        {
            throw unknown.With(message: unknown.Message +
                " The submission is recorded in the task ledger: Get-HiApiTask -Pending sends it again with the same key and so finds the task, or creates it exactly once.");
        }

        TryLedger(ledger =>
        {
            ledger.RecordSubmitted(LedgerTaskMapper.ToSubmittedEntry(task));
            return true;
        }, $"Task {task.TaskId} was created but could not be written to the ledger; note its id.");
        return task;
    }

    private static string Describe(VideoRequest request) =>
        request.Prompt is { } prompt ? $"prompt '{(prompt.Length > 40 ? prompt[..40] + "..." : prompt)}'" : $"image {request.ImageUrl}";

    /// <summary>The file this ledger saved the task's video to at <paramref name="targetFile"/>, if it is still intact.</summary>
    private FileInfo? FindIntactSave(string taskId, string targetFile)
    {
        var entry = TryLedger(ledger => ledger.Find(taskId));
        if (entry is null)
        {
            return null;
        }

        var comparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var target = Path.GetFullPath(targetFile);
        var saved = entry.SavedFiles.LastOrDefault(file => string.Equals(Path.GetFullPath(file.Path), target, comparison));
        if (saved is null)
        {
            return null;
        }

        var existing = new FileInfo(saved.Path);
        return existing.Exists && existing.Length == saved.Length && IsWholeVideo(existing.FullName) ? existing : null;
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
