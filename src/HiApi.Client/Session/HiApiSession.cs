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
    /// Submits a paid task and records it before returning it. Once the request has been started it runs to
    /// completion and is recorded even if <paramref name="ct"/> fires (Ctrl+C): the caller stops waiting,
    /// but the task id still reaches the ledger, so a resume finds it.
    /// </summary>
    public Task<HiApiTask> SubmitAsync(VideoRequest request, CancellationToken ct = default)
    {
        RequestValidator.ThrowIfInvalid(request);
        var submission = SubmitAndRecordAsync(request);
        return submission.WaitAsync(ct);
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

    private async Task<HiApiTask> SubmitAndRecordAsync(VideoRequest request)
    {
        var task = await Client.CreateTaskAsync(request, CancellationToken.None).ConfigureAwait(false);
        TryLedger(ledger =>
        {
            ledger.RecordSubmitted(LedgerTaskMapper.ToSubmittedEntry(task));
            return true;
        }, $"Task {task.TaskId} was created but could not be written to the ledger; note its id.");
        return task;
    }

    private FileInfo? FindIntactSave(string taskId, string targetFile)
    {
        var entry = TryLedger(ledger => ledger.Find(taskId));
        if (entry?.SavedPath is not { } savedPath || entry.SavedLength is not long savedLength)
        {
            return null;
        }

        var comparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        if (!string.Equals(Path.GetFullPath(savedPath), Path.GetFullPath(targetFile), comparison))
        {
            return null;
        }

        var file = new FileInfo(savedPath);
        return file.Exists && file.Length == savedLength && IsWholeVideo(file.FullName) ? file : null;
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
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // The API operation succeeded; losing the bookkeeping must not lose its result.
            _warn?.Invoke($"{context ?? "The task ledger could not be updated."} Ledger {Ledger.Path}: {exception.Message}");
            return default;
        }
    }
}
