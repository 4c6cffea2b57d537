namespace HiApi.Client;

/// <summary>
/// The ledger file folded by task id, plus how far into the file the fold has read (and a fingerprint of what it
/// read, to tell an appended file from a replaced one), so the next operation only needs to parse the lines
/// appended since.
/// </summary>
internal sealed class LedgerState
{
    private readonly Dictionary<string, LedgerEntry> entries = new(StringComparer.Ordinal);
    private readonly List<string> submissionOrder = new();
    private readonly Dictionary<string, LedgerSubmission> submissions = new(StringComparer.Ordinal);
    private readonly List<string> submissionKeyOrder = new();
    private readonly Dictionary<string, string> taskIdByKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LedgerBatch> batches = new(StringComparer.Ordinal);
    private readonly List<string> batchOrder = new();
    private readonly List<byte[]> unknownKindLines = new();

    /// <summary>Bytes up to and including the last complete (newline-terminated) line folded so far.</summary>
    public long ConsumedBytes { get; set; }

    /// <summary>What the fold read, as of <see cref="ConsumedBytes"/>.</summary>
    public LedgerFingerprint Fingerprint { get; set; } = LedgerFingerprint.None;

    /// <summary>The header line, when the file starts with this module's header.</summary>
    public LedgerHeader? Header { get; set; }

    /// <summary>
    /// The file was written by a newer version (its header names a format this code does not understand): it is
    /// read, never appended to or rewritten.
    /// </summary>
    public bool IsNewerFormat => Header?.Version > LedgerHeader.HighestUnderstoodVersion;

    /// <summary>Event lines folded; compared with <see cref="Count"/> to see whether compaction would shrink the file.</summary>
    public int EventLines { get; private set; }

    /// <summary>
    /// Complete lines that could not be used and were skipped: not JSON, no task id or key, over
    /// <see cref="LedgerFile.MaxLineBytes"/>, or holding a saved file that cannot be one (an empty path).
    /// </summary>
    public int CorruptLines { get; private set; }

    /// <summary>Whether the file ends in a line without its newline (a write cut short); never folded.</summary>
    public bool HasTornTail { get; set; }

    /// <summary>Lines of a record kind this version does not know, byte for byte, in file order: compaction keeps them.</summary>
    public IReadOnlyList<byte[]> UnknownKindLines => unknownKindLines;

    public int Count => submissionOrder.Count;

    public LedgerEntry? Find(string taskId) => entries.GetValueOrDefault(taskId);

    /// <summary>Every task's latest state in order of first appearance, which is submission order.</summary>
    public IReadOnlyList<LedgerEntry> Snapshot()
    {
        var snapshot = new LedgerEntry[submissionOrder.Count];
        for (var i = 0; i < snapshot.Length; i++)
        {
            snapshot[i] = entries[submissionOrder[i]];
        }

        return snapshot;
    }

    public LedgerSubmission? FindSubmission(string idempotencyKey) => submissions.GetValueOrDefault(idempotencyKey);

    /// <summary>The task created with <paramref name="idempotencyKey"/>, also after compaction dropped its submission line.</summary>
    public LedgerEntry? FindTaskByKey(string idempotencyKey) =>
        taskIdByKey.TryGetValue(idempotencyKey, out var taskId) ? entries.GetValueOrDefault(taskId) : null;

    /// <summary>Every batch, in the order first recorded.</summary>
    public IReadOnlyList<LedgerBatch> BatchSnapshot() => batchOrder.Select(name => batches[name]).ToArray();

    /// <summary>Every submission the file still holds, in the order they were first written.</summary>
    public IReadOnlyList<LedgerSubmission> SubmissionSnapshot()
    {
        var snapshot = new LedgerSubmission[submissionKeyOrder.Count];
        for (var i = 0; i < snapshot.Length; i++)
        {
            snapshot[i] = submissions[submissionKeyOrder[i]];
        }

        return snapshot;
    }

    public void Apply(LedgerRecord record)
    {
        EventLines++;
        if (record.Kind is not null)
        {
            if (record.Kind == LedgerRecordKinds.Batch && record.Batch is { } name)
            {
                ApplyBatch(name, record);
            }

            return; // a kind this version does not know: never a task
        }

        if (record.IdempotencyKey is { } key)
        {
            ApplySubmission(key, record);
            if (record.TaskId is null)
            {
                return;
            }

            taskIdByKey[key] = record.TaskId;
        }

        var taskId = record.TaskId!;
        if (entries.TryGetValue(taskId, out var current))
        {
            entries[taskId] = record.ApplyTo(current);
        }
        else
        {
            entries.Add(taskId, record.ApplyTo((LedgerEntry?)null));
            submissionOrder.Add(taskId);
        }
    }

    public void CountCorruptLine() => CorruptLines++;

    private void ApplyBatch(string name, LedgerRecord record)
    {
        if (batches.TryGetValue(name, out var current))
        {
            batches[name] = record.ApplyTo(current);
        }
        else
        {
            batches.Add(name, record.ApplyTo((LedgerBatch?)null));
            batchOrder.Add(name);
        }
    }

    public void KeepUnknownKindLine(ReadOnlySpan<byte> line) => unknownKindLines.Add(line.ToArray());

    private void ApplySubmission(string key, LedgerRecord record)
    {
        if (submissions.TryGetValue(key, out var current))
        {
            submissions[key] = record.ApplyTo(current)!;
        }
        else if (record.TaskId is null && record.ApplyTo((LedgerSubmission?)null) is { } first)
        {
            submissions.Add(key, first);
            submissionKeyOrder.Add(key);
        }

        // A task line with a key whose submission line is gone (compacted) needs no submission: the task has it all.
    }
}
