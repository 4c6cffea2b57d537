using System.Security.Cryptography;

namespace HiApi.Client;

/// <summary>
/// A durable, per-user record of every video task submitted, so that no paid-for task is lost when a script is
/// killed, a laptop sleeps or a webhook never fires: the resume path lists what is still owed and finishes it.
/// </summary>
/// <remarks>
/// <para><b>Format.</b> A JSON Lines file: a header line, then one line per event (a task id plus the fields that
/// changed and <c>updatedAt</c>), folded by task id on load. Appending a small line is the only write a normal
/// operation makes, so existing data is never rewritten in place. Fields and record kinds this version does not
/// know are kept as they are by compaction; a ledger whose header names a newer format version is used read-only
/// (see <see cref="LedgerOptions.Warn"/>).</para>
/// <para><b>Crash safety.</b> Each event is written with one write call and fsynced (<c>Flush(true)</c>) before
/// <see cref="RecordSubmitted"/> returns, so every task id handed to the caller is already on disk. Killing the
/// process can only stop a write that has not returned yet; power loss can at worst leave a torn last line, which
/// loading skips (a line counts only once its newline is on disk) and the next append fences off with a newline.
/// Any corrupt line (and any line over 1 MiB, skipped without being read whole) is skipped and counted
/// (<see cref="SkippedLineCount"/>), never thrown, and reported once through <see cref="LedgerOptions.Warn"/>.
/// Compaction writes a new file beside the ledger, fsyncs it and puts it in the ledger's place with one atomic
/// replace: a crash leaves the old or the new file, both complete. A replace that fails (Windows: another program
/// holds the ledger open) is not retried under the lock; automatic compaction then waits
/// <see cref="CompactionRetryAfterWrites"/> writes and <see cref="CompactionRetryAfter"/> before trying again.</para>
/// <para><b>Multi-process safety.</b> Every operation (append, read, compact) runs while holding an exclusive lock
/// on <c>&lt;file&gt;.lock</c> (see <see cref="LedgerFileLock"/>), taken with retries and backoff up to
/// <see cref="LedgerOptions.LockTimeout"/>. When <see cref="Path"/> is a symbolic link, the file is the one it
/// finally points to, locked, appended to and compacted there, so a process using the link and one using the real
/// path share one lock and one file (and compaction leaves the link a link). Appends from several PowerShell
/// processes therefore never interleave, readers never see a half-written line from a live writer, and compaction
/// never races an append. Each append is also an append at the kernel's end of the file (<c>O_APPEND</c>,
/// <c>FILE_APPEND_DATA</c>), so writers without a working lock (<c>DOTNET_SYSTEM_IO_DISABLEFILELOCKING</c>, a
/// file system without locks) still never write over each other's lines. The OS drops the lock when its holder
/// dies. Within one process, an instance is thread-safe and separate instances on the same path exclude each other
/// through the same lock.</para>
/// <para><b>Cost.</b> The fold is cached per instance together with the byte offset read so far and a fingerprint
/// of the bytes read (see <see cref="LedgerFingerprint"/>), so repeated status polls parse only newly appended
/// lines, with or without this module's header; a compacted (replaced) file no longer matches the fingerprint and
/// is re-read from the start. The file is streamed, never read whole into a string.</para>
/// <para><b>Trust.</b> Status and save events are recorded only for task ids the ledger already knows: callbacks
/// are unsigned, so a forged one must not be able to add work. There is no field for the API key.</para>
/// </remarks>
public sealed class TaskLedger
{
    /// <summary>Environment variable naming the ledger file when no path is passed explicitly.</summary>
    public const string PathEnvironmentVariable = "HIAPI_LEDGER_PATH";

    /// <summary>Environment variable that switches the ledger off when set to <c>off</c>, <c>0</c> or <c>false</c>.</summary>
    public const string DisableEnvironmentVariable = "HIAPI_LEDGER";

    /// <summary>After an automatic compaction failed, the next waits for this many writes (and <see cref="CompactionRetryAfter"/>).</summary>
    internal const int CompactionRetryAfterWrites = 100;

    private static readonly string[] SwitchedOffValues = ["off", "0", "false"];

    private readonly object gate = new();

    /// <summary>Held while fsyncing, never together with <see cref="gate"/>: writers go on appending meanwhile.</summary>
    private readonly object syncGate = new();
    private (LedgerFingerprint? File, long Length) synced;
    private readonly LedgerOptions options;
    private readonly List<string> dueWarnings = new();
    private string? filePath;
    private LedgerState? cache;
    private bool warnedSkippedLines;
    private bool warnedNewerFormat;
    private DateTimeOffset? compactionFailedAt;
    private int writesSinceCompactionFailed;

    /// <summary>
    /// After an automatic compaction failed, the next waits this long by <see cref="LedgerOptions.TimeProvider"/> (and
    /// <see cref="CompactionRetryAfterWrites"/> writes): both, so a fast batch and a slow poller alike try rarely.
    /// </summary>
    internal static TimeSpan CompactionRetryAfter { get; } = TimeSpan.FromMinutes(1);

    /// <summary>An unchanged status seen this long after it was last recorded is recorded as seen again (see <see cref="RecordStatus"/>).</summary>
    public static TimeSpan SeenRefreshAfter { get; } = TimeSpan.FromMinutes(1);

    /// <summary>Uses (and on first write creates) the ledger at <paramref name="path"/>.</summary>
    public TaskLedger(string path, LedgerOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        this.options = options ?? new LedgerOptions();
        if (this.options.LockTimeout < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "LockTimeout must not be negative.");
        }

        if (this.options.Retention < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Retention must not be negative.");
        }

        ArgumentNullException.ThrowIfNull(this.options.TimeProvider, nameof(options));
        Path = System.IO.Path.GetFullPath(path);
    }

    /// <summary>
    /// The per-user default: <c>HiApi.Video/ledger.jsonl</c> under local application data
    /// (<c>%LOCALAPPDATA%</c> on Windows, <c>$XDG_DATA_HOME</c> or <c>~/.local/share</c> on Linux).
    /// </summary>
    public static string DefaultPath
    {
        get
        {
            var root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
            if (string.IsNullOrEmpty(root))
            {
                // An account without a profile (no HOME): better a ledger in temp than one relative to wherever we run.
                root = System.IO.Path.GetTempPath();
            }

            return System.IO.Path.Combine(root, "HiApi.Video", "ledger.jsonl");
        }
    }

    /// <summary>Full path of the ledger file, as given (a symbolic link stays a link: see <see cref="FilePath"/>).</summary>
    public string Path { get; }

    /// <summary>
    /// Lines the most recent read could not use: corrupt and over-long lines, lines with a saved file that cannot be
    /// one (used without it), plus a torn last line, if any.
    /// </summary>
    public int SkippedLineCount { get; private set; }

    /// <summary>
    /// The file read, written, locked and compacted: <see cref="Path"/>, or the file it finally points to when it is
    /// a symbolic link. Resolved once, on the first operation.
    /// </summary>
    /// <exception cref="IOException">The path is a folder, or a loop of links.</exception>
    internal string FilePath
    {
        get
        {
            if (Volatile.Read(ref filePath) is { } resolved)
            {
                return resolved; // no lock: MakeDurable asks while other threads append
            }

            lock (gate)
            {
                return filePath ??= LedgerPaths.ResolveTarget(Path);
            }
        }
    }

    /// <summary>Bytes of the file folded so far by this instance: what incremental reading saves is measured here.</summary>
    internal long BytesFolded { get; private set; }

    /// <summary>
    /// The ledger a command should use, or null when switched off. <paramref name="disabled"/> (a switch
    /// parameter) turns it off outright. Otherwise the location is, first match wins: <paramref name="explicitPath"/>
    /// (a parameter; it also overrides <c>HIAPI_LEDGER=off</c>, since asking for a file is the more specific
    /// request), then off if <see cref="DisableEnvironmentVariable"/> says so, then
    /// <see cref="PathEnvironmentVariable"/>, then <see cref="DefaultPath"/>. Relative paths resolve against the
    /// process's current directory, with a leading <c>~</c> as the home folder, unless <paramref name="resolvePath"/>
    /// says otherwise: a cmdlet passes PowerShell's resolution (against the PowerShell location), which then applies to
    /// the parameter and the environment variable alike.
    /// </summary>
    public static TaskLedger? Open(
        string? explicitPath,
        bool disabled,
        Func<string, string?>? getEnvironmentVariable = null,
        Func<string, string>? resolvePath = null,
        LedgerOptions? options = null)
    {
        if (disabled)
        {
            return null;
        }

        resolvePath ??= LedgerPaths.ResolveUserPath;
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return new TaskLedger(resolvePath(explicitPath), options);
        }

        getEnvironmentVariable ??= Environment.GetEnvironmentVariable;
        var switchValue = getEnvironmentVariable(DisableEnvironmentVariable)?.Trim();
        if (SwitchedOffValues.Any(off => string.Equals(off, switchValue, StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        var environmentPath = getEnvironmentVariable(PathEnvironmentVariable);
        return new TaskLedger(string.IsNullOrWhiteSpace(environmentPath) ? DefaultPath : resolvePath(environmentPath), options);
    }

    /// <summary>
    /// Records a newly submitted task; durable on disk before this returns, so call it before handing the task
    /// id to anyone. <see cref="LedgerEntry.SubmittedAt"/> and <see cref="LedgerEntry.UpdatedAt"/> default to now.
    /// Recording an id that is already known merges the given fields into it.
    /// </summary>
    public void RecordSubmitted(LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentException.ThrowIfNullOrWhiteSpace(entry.TaskId, nameof(entry));
        using var deliverWarnings = new WarningDelivery(this);
        LedgerWrite? written;
        lock (gate)
        {
            var now = Now;
            var record = LedgerRecord.FromEntry(entry);
            record.SubmittedAt ??= now;
            record.UpdatedAt = entry.UpdatedAt == default ? now : entry.UpdatedAt;
            using (AcquireLock(createFolder: true))
            {
                written = AppendLocked(record, now, required: true);
            }
        }

        MakeDurable(written);
    }

    /// <summary>
    /// What the ledger knows of the submission with <paramref name="planned"/>'s key, without writing anything: the task
    /// it created, its unresolved (or refused) submission, or nothing. What <c>-WhatIf</c> and the confirmation describe.
    /// </summary>
    public SubmissionClaim Peek(PlannedSubmission planned)
    {
        ArgumentNullException.ThrowIfNull(planned);
        return Read(state => SubmissionClaim.Of(state, planned));
    }

    /// <summary>
    /// Claims a paid submission before its request is sent (write-ahead), atomically under the cross-process lock: when
    /// the ledger already knows the key's task (an earlier run, or another process running the same batch right now), or
    /// holds the key for another request, the claim says so and nothing is written. Otherwise the send is written and
    /// durable on disk before this returns, with an id of its own (<see cref="SubmissionClaim.Attempt"/>): the whole
    /// submission when it is new (a refused one is written again: it is sent again), or a line marking one more send of an
    /// unresolved submission (its first send time is kept). So a process killed while the POST is in flight still leaves
    /// the request and its key behind. Call <see cref="RecordSubmitted"/> once the task id is known, or
    /// <see cref="RecordSubmissionRejected"/> when the API refused this send and no attempt of it may have created a task.
    /// A ledger this version may only read refuses the claim (<see cref="LedgerReadOnlyException"/>): nothing may be sent
    /// without its record.
    /// </summary>
    public SubmissionClaim Claim(PlannedSubmission planned, DateTimeOffset? submittedAt = null)
    {
        ArgumentNullException.ThrowIfNull(planned);
        using var deliverWarnings = new WarningDelivery(this);
        LedgerWrite? written;
        SubmissionClaim claim;
        lock (gate)
        {
            using (AcquireLock(createFolder: true))
            {
                claim = SubmissionClaim.Of(RefreshLocked(), planned);
                if (claim.Kind is not (SubmissionClaimKind.New or SubmissionClaimKind.Unresolved))
                {
                    return claim;
                }

                var now = Now;
                var attempt = Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant();
                var record = claim.Kind == SubmissionClaimKind.New
                    ? LedgerRecord.ForSubmission(planned, LedgerSubmission.SubmittingStatus, submittedAt ?? now, now)
                    : new LedgerRecord { IdempotencyKey = planned.IdempotencyKey, Status = LedgerSubmission.SubmittingStatus, UpdatedAt = now };
                record.Attempt = attempt;
                written = AppendLocked(record, now, required: true);
                claim = claim.ForAttempt(attempt);
            }
        }

        MakeDurable(written);
        return claim;
    }

    /// <summary>
    /// Records that a run of batch <paramref name="name"/> started (<see cref="LedgerBatch.RunningStatus"/>) or finished.
    /// A run's start is required (it precedes its first submission); its end is not.
    /// </summary>
    public void RecordBatch(string name, bool named, string status, int? inputs = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        using var deliverWarnings = new WarningDelivery(this);
        LedgerWrite? written;
        lock (gate)
        {
            using (AcquireLock(createFolder: true))
            {
                var now = Now;
                written = AppendLocked(new LedgerRecord
                {
                    Kind = LedgerRecordKinds.Batch,
                    Batch = name,
                    Named = named,
                    Status = status,
                    Inputs = inputs,
                    SubmittedAt = now,
                    UpdatedAt = now,
                }, now, required: status == LedgerBatch.RunningStatus);
            }
        }

        MakeDurable(written);
    }

    /// <summary>Every batch the ledger holds, in the order first recorded.</summary>
    public IReadOnlyList<LedgerBatch> GetBatches() => Read(state => state.BatchSnapshot());

    /// <summary>
    /// For each of <paramref name="keys"/>, whether the ledger knows it (a submission or the task it created): how a
    /// resumed run finds the batches that hold its first input. One read under the lock.
    /// </summary>
    public IReadOnlyList<bool> KnowsKeys(IReadOnlyList<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return Read(state => keys.Select(key => state.FindSubmission(key) is not null || state.FindTaskByKey(key) is not null).ToArray());
    }

    /// <summary>
    /// The API refused send <paramref name="attempt"/> of the submission and no attempt of that send may have created a
    /// task: it is no longer an unknown outcome, unless another send of it started since (another run re-sending the
    /// same key), whose outcome is still open. Returns whether the submission was closed.
    /// </summary>
    public bool RecordSubmissionRejected(string idempotencyKey, string? attempt, string? errorCode, string? errorMessage)
        => RecordSubmissionClosed(idempotencyKey, attempt, LedgerSubmission.RejectedStatus, errorCode, errorMessage);

    /// <summary>A submission too old to re-send was settled by listing the account's tasks instead.</summary>
    public void RecordSubmissionReconciled(string idempotencyKey)
        => RecordSubmissionClosed(idempotencyKey, attempt: null, LedgerSubmission.ReconciledStatus, null, null);

    private bool RecordSubmissionClosed(string idempotencyKey, string? attempt, string status, string? errorCode, string? errorMessage)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        using var deliverWarnings = new WarningDelivery(this);
        LedgerWrite? written = null;
        lock (gate)
        {
            if (!Directory.Exists(FolderPath))
            {
                return false;
            }

            using (AcquireLock(createFolder: false))
            {
                var submission = RefreshLocked().FindSubmission(idempotencyKey);
                // Closed already by its task, or sent again since this send was claimed: that later send decides.
                if (submission is null || submission.TaskId is not null || (attempt is not null && submission.Attempt is { } latest && latest != attempt))
                {
                    return false;
                }

                var now = Now;
                written = AppendLocked(new LedgerRecord
                {
                    IdempotencyKey = idempotencyKey,
                    Status = status,
                    ErrorCode = errorCode,
                    ErrorMessage = errorMessage,
                    UpdatedAt = now,
                }, now, required: false);
            }
        }

        MakeDurable(written);
        return true;
    }

    /// <summary>The task created with <paramref name="idempotencyKey"/>, also after compaction dropped its submission line; or null.</summary>
    public LedgerEntry? FindTaskByKey(string idempotencyKey)
    {
        ArgumentNullException.ThrowIfNull(idempotencyKey);
        return Read(state => state.FindTaskByKey(idempotencyKey));
    }

    /// <summary>The submission written with <paramref name="idempotencyKey"/>, or null.</summary>
    public LedgerSubmission? FindSubmission(string idempotencyKey)
    {
        ArgumentNullException.ThrowIfNull(idempotencyKey);
        return Read(state => state.FindSubmission(idempotencyKey));
    }

    /// <summary>Every submission the ledger still holds (compaction keeps only unresolved ones), oldest first.</summary>
    public IReadOnlyList<LedgerSubmission> GetSubmissions() => Read(state => state.SubmissionSnapshot());

    /// <summary>
    /// Submissions sent (or about to be) whose answer never arrived: HiAPI may have created and charged a task the
    /// ledger has no id for. Oldest first.
    /// </summary>
    public IReadOnlyList<LedgerSubmission> GetUnresolvedSubmissions()
        => Read(state => state.SubmissionSnapshot().Where(submission => submission.IsUnresolved).ToArray());

    /// <summary>
    /// Records what the API last said about a task, seen at <paramref name="seenAt"/> (default: now). Null arguments mean
    /// "not reported" and keep the known value. Writes nothing when nothing changed (so polling every few seconds does
    /// not grow the file), when the task id is unknown (callbacks are unsigned), or when a status would overwrite one
    /// seen later or a terminal one (a stale poll from another process arriving after the final one). An unchanged status
    /// seen more than <see cref="SeenRefreshAfter"/> after it was last recorded writes only when it was seen: so how old a
    /// listed status is stays true to the minute, at one short line per task per minute at most.
    /// </summary>
    public void RecordStatus(string taskId, string? status, string? videoUrl, DateTimeOffset? expiresAt, string? errorCode, string? errorMessage,
        DateTimeOffset? seenAt = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(taskId);
        // A blank status (a broken or hostile server) is "not reported": it must not fail the caller.
        status = string.IsNullOrWhiteSpace(status) ? null : status;
        using var deliverWarnings = new WarningDelivery(this);
        LedgerWrite? written = null;
        lock (gate)
        {
            if (!Directory.Exists(FolderPath))
            {
                return;
            }

            using (AcquireLock(createFolder: false))
            {
                var current = RefreshLocked().Find(taskId);
                if (current is null)
                {
                    return;
                }

                var change = new LedgerRecord { TaskId = taskId };
                var now = Now;
                var seen = seenAt ?? now;
                // A read that says when it happened loses to one recorded as seen later (a slow poll from another session).
                var regresses = (current.IsTerminal && !LedgerEntry.IsTerminalStatus(status)) || (seenAt is { } read && current.SeenAt is { } known && read < known);
                var changed = false;
                if (status is not null && !regresses && current.Status != status)
                {
                    change.Status = status;
                    // A status line is read as seen when written (its updatedAt); an earlier read says when.
                    change.SeenAt = seen == now ? null : seen;
                    changed = true;
                }
                else if (status is not null && !regresses && current.Status == status && !current.IsTerminal
                    && (current.SeenAt is not { } last || seen - last >= SeenRefreshAfter))
                {
                    change.SeenAt = seen;
                    changed = true;
                }

                if (videoUrl is not null && current.VideoUrl != videoUrl)
                {
                    change.VideoUrl = videoUrl;
                    changed = true;
                }

                if (expiresAt is not null && current.ExpiresAt != expiresAt)
                {
                    change.ExpiresAt = expiresAt;
                    changed = true;
                }

                if (errorCode is not null && current.ErrorCode != errorCode)
                {
                    change.ErrorCode = errorCode;
                    changed = true;
                }

                if (errorMessage is not null && current.ErrorMessage != errorMessage)
                {
                    change.ErrorMessage = errorMessage;
                    changed = true;
                }

                if (changed)
                {
                    change.UpdatedAt = now;
                    written = AppendLocked(change, now, required: false);
                }
            }
        }

        MakeDurable(written);
    }

    /// <summary>
    /// Records that a task's video was downloaded to <paramref name="savedPath"/> (stored as a full path) with
    /// <paramref name="length"/> bytes and, when given, its SHA-256 (<paramref name="sha256"/>, lowercase hex), which takes
    /// the task off the pending list. Ignored for unknown task ids.
    /// </summary>
    public void RecordSaved(string taskId, string savedPath, long length, string? sha256 = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(taskId);
        ArgumentException.ThrowIfNullOrWhiteSpace(savedPath);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var fullPath = System.IO.Path.GetFullPath(savedPath);
        using var deliverWarnings = new WarningDelivery(this);
        LedgerWrite? written = null;
        lock (gate)
        {
            if (!Directory.Exists(FolderPath))
            {
                return;
            }

            using (AcquireLock(createFolder: false))
            {
                if (RefreshLocked().Find(taskId) is null)
                {
                    return;
                }

                var now = Now;
                written = AppendLocked(new LedgerRecord { TaskId = taskId, SavedPath = fullPath, SavedLength = length, SavedSha256 = sha256, SavedAt = now, UpdatedAt = now }, now, required: false);
            }
        }

        MakeDurable(written);
    }

    /// <summary>
    /// Records the row a re-run of the task's input came with (an edited <c>Notes</c>, say), replacing the one recorded:
    /// the row is not part of the request, so the task is handed back, and the latest row is the one it keeps. Written
    /// only when it differs, and ignored for an unknown task id.
    /// </summary>
    public void RecordRow(string taskId, TaskRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        RecordTaskEvent(taskId, (entry, now) => row.SameAs(entry.Row) ? null : new LedgerRecord { TaskId = taskId, Row = row.ToStored(), UpdatedAt = now }, required: false);
    }

    /// <summary>
    /// Forgets a task (<c>Remove-HiApiTask</c>): it is no longer listed or pending. Its record stays, so a run of its batch
    /// still hands it back instead of paying again; compaction drops it once past the retention. Returns the entry as it
    /// was, or null when the ledger does not know the task (nothing is written).
    /// </summary>
    public LedgerEntry? RecordForgotten(string taskId)
        => RecordTaskEvent(taskId, (entry, now) => entry.IsForgotten ? null : new LedgerRecord { TaskId = taskId, ForgottenAt = now, UpdatedAt = now });

    /// <summary>
    /// Records that the unsaved video of a task expired and the user was told: it is lost, so no longer pending. Returns
    /// the entry as it was, or null when the ledger does not know the task.
    /// </summary>
    public LedgerEntry? RecordLost(string taskId)
        => RecordTaskEvent(taskId, (entry, now) => entry.LostAt is not null ? null : new LedgerRecord { TaskId = taskId, LostAt = now, UpdatedAt = now });

    /// <summary>
    /// Appends the event <paramref name="change"/> makes of the task's current state (null: nothing to write). A write that
    /// is not <paramref name="required"/> is left out of a ledger from a newer version (see <c>AppendLocked</c>).
    /// </summary>
    private LedgerEntry? RecordTaskEvent(string taskId, Func<LedgerEntry, DateTimeOffset, LedgerRecord?> change, bool required = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(taskId);
        using var deliverWarnings = new WarningDelivery(this);
        LedgerWrite? written = null;
        LedgerEntry? current;
        lock (gate)
        {
            if (!Directory.Exists(FolderPath))
            {
                return null;
            }

            using (AcquireLock(createFolder: false))
            {
                current = RefreshLocked().Find(taskId);
                var now = Now;
                if (current is not null && change(current, now) is { } record)
                {
                    written = AppendLocked(record, now, required);
                }
            }
        }

        MakeDurable(written);
        return current;
    }

    /// <summary>The task's latest state, or null if the ledger does not know it.</summary>
    public LedgerEntry? Find(string taskId)
    {
        ArgumentNullException.ThrowIfNull(taskId);
        return Read(state => state.Find(taskId));
    }

    /// <summary>Whether the ledger knows the task: the test a callback must pass before anything acts on it.</summary>
    public bool Contains(string taskId) => Find(taskId) is not null;

    /// <summary>Every task's latest state, in submission order. An absent ledger is empty.</summary>
    public IReadOnlyList<LedgerEntry> Load() => Read(state => state.Snapshot());

    /// <summary>
    /// Work still owed (<see cref="LedgerEntry.IsPending"/>), in submission order. Expired tasks are included so
    /// that the caller can tell the user which videos are lost.
    /// </summary>
    public IReadOnlyList<LedgerEntry> GetPending() => Load().Where(entry => entry.IsPending).ToArray();

    /// <summary>
    /// Rewrites the ledger atomically with one line per kept task. Kept: every task updated within
    /// <see cref="LedgerOptions.Retention"/> of <paramref name="now"/>, every pending task that has not
    /// expired, however old, every unresolved submission, and every line of a record kind this version does not know
    /// (as it was). Dropped: saved, failed and expired tasks not updated within the retention, resolved and rejected
    /// submissions (a created task carries its key), and corrupt lines. Also runs by itself after a write once the
    /// file passes <see cref="LedgerOptions.CompactWhenLargerThanBytes"/>.
    /// </summary>
    /// <exception cref="IOException">The rewritten file could not replace the ledger (another program holds it
    /// open), or the ledger was written by a newer version, which this one never rewrites.</exception>
    public LedgerCompactionResult Compact(DateTimeOffset now)
    {
        using var deliverWarnings = new WarningDelivery(this);
        lock (gate)
        {
            if (!File.Exists(FilePath))
            {
                return new LedgerCompactionResult(0, 0, 0, 0);
            }

            using (AcquireLock(createFolder: false))
            {
                var state = RefreshLocked();
                if (state.IsNewerFormat)
                {
                    throw new LedgerReadOnlyException(NewerFormatMessage(state, "so this version does not compact it"));
                }

                return CompactLocked(state, now);
            }
        }
    }

    private DateTimeOffset Now => options.TimeProvider.GetUtcNow();

    /// <summary>The folder of the file itself (the link's target for a link): where the lock file lives.</summary>
    private string FolderPath => System.IO.Path.GetDirectoryName(FilePath)!;

    private T Read<T>(Func<LedgerState, T> query)
    {
        using var deliverWarnings = new WarningDelivery(this);
        lock (gate)
        {
            // Nothing to read, and a read must not litter the disk with folders.
            if (!Directory.Exists(FolderPath))
            {
                cache = null;
                SkippedLineCount = 0;
                return query(new LedgerState());
            }

            using (AcquireLock(createFolder: false))
            {
                var state = RefreshLocked();
                NoteNewerFormat(state);
                return query(state);
            }
        }
    }

    private FileStream AcquireLock(bool createFolder)
    {
        var file = FilePath;
        if (createFolder && !Directory.Exists(FolderPath))
        {
            if (!string.Equals(file, Path, StringComparison.Ordinal))
            {
                // A link into a drive or share that is not mounted: creating its folder on the local disk instead
                // would write the ledger where nothing else will ever look.
                throw new DirectoryNotFoundException(
                    $"The task ledger '{Path}' is a symbolic link to '{file}', whose folder does not exist (a drive or share that is not mounted?).");
            }

            Directory.CreateDirectory(FolderPath);
        }

        return LedgerFileLock.Acquire(file + ".lock", options.LockTimeout);
    }

    private LedgerState RefreshLocked()
    {
        var before = cache;
        var consumedBefore = before?.ConsumedBytes ?? 0;
        cache = LedgerFile.Read(FilePath, cache);
        BytesFolded += ReferenceEquals(cache, before) ? cache.ConsumedBytes - consumedBefore : cache.ConsumedBytes;
        SkippedLineCount = cache.CorruptLines + (cache.HasTornTail ? 1 : 0);
        if (SkippedLineCount > 0 && !warnedSkippedLines)
        {
            warnedSkippedLines = true;
            QueueWarning(
                $"The task ledger '{Path}' has {SkippedLineCount} line(s) that could not be read (damaged, cut short by a crash, " +
                $"over {LedgerFile.MaxLineBytes / (1024 * 1024)} MiB, or naming a saved file without a path); they were skipped, " +
                "so a task they recorded may be missing or incomplete here. Get-HiApiTask -Reconcile finds the account's tasks the ledger lacks.");
        }

        return cache;
    }

    /// <summary>
    /// Appends under the locks; the caller makes it durable with <see cref="MakeDurable"/> once they are released.
    /// A ledger from a newer version is never appended to: a <paramref name="required"/> write (one the caller must
    /// not go on without: a submission before it is sent, a task id just created) throws, any other is left out
    /// with one warning per instance.
    /// </summary>
    private LedgerWrite? AppendLocked(LedgerRecord record, DateTimeOffset now, bool required)
    {
        var current = RefreshLocked();
        if (current.IsNewerFormat)
        {
            if (required)
            {
                throw new LedgerReadOnlyException(NewerFormatMessage(
                    current,
                    "so this version only reads it and records nothing in it. Update HiApi.Video (Update-Module HiApi.Video), or choose " +
                    "another ledger with -LedgerPath (or -NoLedger to go on without one)"));
            }

            NoteNewerFormat(current);
            return null;
        }

        var end = LedgerFile.Append(FilePath, record, now);
        var state = RefreshLocked();
        writesSinceCompactionFailed++;
        if (ShouldAutoCompact(state, now) && MayRetryCompaction(now))
        {
            try
            {
                CompactLocked(state, now);
                return null; // the rewrite was fsynced before it replaced the ledger, this event with it
            }
            catch (Exception busy) when (busy is IOException or UnauthorizedAccessException)
            {
                // The ledger is as it was and this event is in it (it still gets its fsync below). Trying again on
                // every write would rewrite megabytes each time while other sessions wait for the lock: back off.
                compactionFailedAt = now;
                writesSinceCompactionFailed = 0;
            }
        }

        return new LedgerWrite(state.Fingerprint, end);
    }

    private bool MayRetryCompaction(DateTimeOffset now) =>
        compactionFailedAt is not { } failedAt
        || (writesSinceCompactionFailed >= CompactionRetryAfterWrites && now - failedAt >= CompactionRetryAfter);

    /// <summary>
    /// Returns once <paramref name="written"/> is on disk (group commit): if an fsync that began after the write has
    /// already finished, nothing is left to do; otherwise one fsync makes this write durable together with every write
    /// other threads made meanwhile. So concurrent submissions and saves share fsyncs instead of queueing for one each,
    /// and every Record* method still returns only when its event survives a power loss.
    /// </summary>
    private void MakeDurable(LedgerWrite? written)
    {
        if (written is not { } write)
        {
            return;
        }

        lock (syncGate)
        {
            if (synced.File is { } file && file.SharesHeadWith(write.File) && synced.Length >= write.End)
            {
                return;
            }

            synced = LedgerFile.SyncToDisk(FilePath);
        }
    }

    /// <summary>Where a write ended, in which file (by its fingerprint): what must be fsynced before it counts.</summary>
    private readonly record struct LedgerWrite(LedgerFingerprint File, long End);

    // Compacting only when it would drop at least a third of the lines (a rewrite keeps one per task and one per kept
    // submission), or a corrupt line or a finished task past retention, keeps a large ledger from being rewritten on
    // every write: an answered submission alone is one line to drop, and every submission is answered. A third, not a
    // half: a task that only ever gets its two lines (submitted, created) would never reach half again after a first
    // compaction, and the file would grow for ever; at a third, the next compaction comes once the tasks have doubled.
    private bool ShouldAutoCompact(LedgerState state, DateTimeOffset now) =>
        state.ConsumedBytes > options.CompactWhenLargerThanBytes
        && (2 * state.EventLines >= 3 * (state.Count + state.SubmissionSnapshot().Count(MustKeep))
            || state.CorruptLines > 0 || state.Snapshot().Any(entry => !ShouldKeep(entry, now)));

    private LedgerCompactionResult CompactLocked(LedgerState state, DateTimeOffset now)
    {
        var bytesBefore = new FileInfo(FilePath).Length;
        var entries = state.Snapshot();
        var kept = entries.Where(entry => ShouldKeep(entry, now)).ToArray();
        var keptSubmissions = state.SubmissionSnapshot().Where(MustKeep).ToArray();
        var keptBatchNames = kept.Select(entry => entry.Batch).Concat(keptSubmissions.Select(submission => submission.Batch)).ToHashSet(StringComparer.Ordinal);
        var batches = state.BatchSnapshot().Where(batch => keptBatchNames.Contains(batch.Name) || batch.UpdatedAt > now - options.Retention).ToArray();
        var bytesAfter = LedgerFile.Rewrite(FilePath, state, kept, keptSubmissions, batches, Now, options.ReplaceFile);
        compactionFailedAt = null;
        cache = null;
        RefreshLocked();
        return new LedgerCompactionResult(entries.Count, kept.Length, bytesBefore, bytesAfter);
    }

    /// <summary>
    /// A submission compaction keeps, however old: an unresolved one (HiAPI may have created its task), and one closed by a
    /// listing, whose outcome was never proved: dropping it would let the same key be sent as new, and pay twice. A
    /// refused one created nothing, and an answered one lives on in its task's line.
    /// </summary>
    private static bool MustKeep(LedgerSubmission submission) =>
        submission.IsUnresolved || (submission.TaskId is null && submission.Status == LedgerSubmission.ReconciledStatus);

    private bool ShouldKeep(LedgerEntry entry, DateTimeOffset now) =>
        entry.UpdatedAt > now - options.Retention || (entry.IsPending && !entry.IsExpired(now));

    private void NoteNewerFormat(LedgerState state)
    {
        if (state.IsNewerFormat && !warnedNewerFormat)
        {
            warnedNewerFormat = true;
            QueueWarning(NewerFormatMessage(
                state,
                "so this version only reads it, and what it reads may be incomplete: statuses and saved videos are not recorded, " +
                "and nothing can be submitted with it. Update HiApi.Video (Update-Module HiApi.Video), or use another ledger " +
                $"(-LedgerPath, $env:" + PathEnvironmentVariable + ")"));
        }
    }

    private string NewerFormatMessage(LedgerState state, string consequence) =>
        $"The task ledger '{Path}' was written by a newer version of HiApi.Video (ledger format version {state.Header!.Version}; " +
        $"this version understands up to {LedgerHeader.HighestUnderstoodVersion}), {consequence}.";

    private void QueueWarning(string message)
    {
        if (options.Warn is not null)
        {
            dueWarnings.Add(message);
        }
    }

    /// <summary>Delivers the warnings an operation queued when it ends, after its locks are released, also on an early return or a throw.</summary>
    private readonly struct WarningDelivery(TaskLedger ledger) : IDisposable
    {
        public void Dispose() => ledger.DeliverWarnings();
    }

    /// <summary>Hands queued warnings to <see cref="LedgerOptions.Warn"/> outside every lock: it may take its time, or read the ledger.</summary>
    private void DeliverWarnings()
    {
        string[] due;
        lock (gate)
        {
            if (dueWarnings.Count == 0)
            {
                return;
            }

            due = dueWarnings.ToArray();
            dueWarnings.Clear();
        }

        foreach (var warning in due)
        {
            options.Warn!(warning);
        }
    }
}
