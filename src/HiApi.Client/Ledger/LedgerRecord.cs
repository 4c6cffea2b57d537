using System.Text.Json;
using System.Text.Json.Serialization;

namespace HiApi.Client;

/// <summary>
/// One line of the ledger file: a task id plus only the fields an event changed. Null means "not part of this
/// event", so a status poll writes a few dozen bytes instead of the whole task, and folding the lines in file
/// order rebuilds the latest state. Append-only partial events are what make a write a single small append.
/// </summary>
internal sealed class LedgerRecord
{
    /// <summary>
    /// What the line is: null for a task or submission event (the ledger's first format), or a kind from
    /// <see cref="LedgerRecordKinds"/>. A kind this version does not know is skipped, never read as a task.
    /// </summary>
    public string? Kind { get; set; }

    public string? TaskId { get; set; }

    /// <summary>
    /// The submission's <c>Idempotency-Key</c>. A line with a key and no task id is a submission whose outcome was not
    /// known yet when it was written (written before the POST) or that the API refused; a line with both ties the
    /// task to the submission that created it.
    /// </summary>
    public string? IdempotencyKey { get; set; }

    /// <summary>The batch the submission belongs to (on a batch line: the batch itself).</summary>
    public string? Batch { get; set; }

    /// <summary>The input's position (1, 2, ...) in the run that sent it.</summary>
    public int? Input { get; set; }

    /// <summary>
    /// The rest of the input's row (<see cref="TaskRow"/>: text values, bounded), on a submission, a created task, or a
    /// later event that records the row a re-run handed the task back with (the latest wins).
    /// </summary>
    public Dictionary<string, string?>? Row { get; set; }

    /// <summary>The request exactly as sent: the create body's JSON text (see <see cref="VideoRequest.BodyText"/>).</summary>
    public string? Body { get; set; }

    public DateTimeOffset? SubmittedAt { get; set; }

    /// <summary>The estimate of the submission's cost in USD when it was planned (public prices; not the bill).</summary>
    public decimal? EstimatedCostUsd { get; set; }

    public string? Status { get; set; }

    /// <summary>
    /// On a submission line: which send of it this is (a short random id written with each claim, the first and every
    /// re-send). Only the latest send's refusal may close the submission as rejected: an earlier one's proves nothing
    /// about a re-send another run started meanwhile.
    /// </summary>
    public string? Attempt { get; set; }

    public string? VideoUrl { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public string? ErrorCode { get; set; }
    public string? ErrorMessage { get; set; }
    public string? SavedPath { get; set; }
    public long? SavedLength { get; set; }

    /// <summary>SHA-256 (lowercase hex) of the file at <see cref="SavedPath"/> when it was saved; absent in older lines.</summary>
    public string? SavedSha256 { get; set; }

    public DateTimeOffset? SavedAt { get; set; }

    /// <summary>
    /// When HiAPI last said <see cref="Status"/> (a read or a callback). A status line of an older version has none: its
    /// <see cref="UpdatedAt"/> is when it was written, which is when it was seen.
    /// </summary>
    public DateTimeOffset? SeenAt { get; set; }

    /// <summary>When the user forgot the task (Remove-HiApiTask): no longer listed or pending; its key still hands it back.</summary>
    public DateTimeOffset? ForgottenAt { get; set; }

    /// <summary>When an unsaved video that had expired was reported: lost, so no longer pending.</summary>
    public DateTimeOffset? LostAt { get; set; }

    /// <summary>
    /// Every earlier place the video was saved to, on a compacted (full) line only; a save event carries just its own
    /// <see cref="SavedPath"/>, and the fold collects them all.
    /// </summary>
    public List<SavedFile>? SavedFiles { get; set; }

    /// <summary>A batch line: whether the user named the batch (<c>-Batch</c>) or a run without one was given a name.</summary>
    public bool? Named { get; set; }

    /// <summary>A finished batch line: how many inputs the run that finished it read.</summary>
    public int? Inputs { get; set; }

    public DateTimeOffset? UpdatedAt { get; set; }

    /// <summary>
    /// Fields this version does not know (a newer version wrote them): folded like the others and written back by
    /// compaction, so a rewrite never drops what it did not understand.
    /// </summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? UnknownFields { get; set; }

    // The first format wrote the request as separate fields; they are read (never written) so old ledgers still load.
    public string? Model { get; set; }
    public string? Prompt { get; set; }
    public string? ImageUrl { get; set; }
    public string? AspectRatio { get; set; }
    public string? Resolution { get; set; }
    public int? Duration { get; set; }
    public string? CallbackUrl { get; set; }

    /// <summary>The request this line carries: its body, or a line of the first format's fields; null when it has none.</summary>
    public VideoRequest? ReadRequest()
    {
        if (Body is { } body)
        {
            return VideoRequest.FromBody(body);
        }

        return Model is null && Prompt is null && ImageUrl is null ? null : new VideoRequest
        {
            Model = Model ?? HiApiModels.TextToVideo,
            Prompt = Prompt,
            ImageUrl = ImageUrl,
            AspectRatio = AspectRatio,
            Resolution = Resolution,
            Duration = Duration,
            CallbackUrl = CallbackUrl,
        };
    }

    /// <summary>A full record of <paramref name="entry"/>: how a created task and a compacted task are written.</summary>
    public static LedgerRecord FromEntry(LedgerEntry entry) => new()
    {
        TaskId = entry.TaskId,
        IdempotencyKey = entry.IdempotencyKey,
        Batch = entry.Batch,
        Input = entry.InputNumber,
        Row = entry.Row?.ToStored(),
        Body = entry.Request?.BodyText,
        EstimatedCostUsd = entry.EstimatedCostUsd,
        // A task found by listing has no request, but may have a model.
        Model = entry.Request is null ? entry.Model : null,
        SubmittedAt = entry.SubmittedAt,
        Status = entry.Status,
        VideoUrl = entry.VideoUrl,
        ExpiresAt = entry.ExpiresAt,
        ErrorCode = entry.ErrorCode,
        ErrorMessage = entry.ErrorMessage,
        SavedPath = entry.SavedPath,
        SavedLength = entry.SavedLength,
        SavedSha256 = entry.SavedSha256,
        SavedAt = entry.SavedAt,
        SavedFiles = entry.SavedFiles.Count > 1 ? entry.SavedFiles.ToList() : null,
        // A line with a status and no seenAt was seen when it was written (its updatedAt): said only when it differs.
        SeenAt = entry.SeenAt == entry.UpdatedAt ? null : entry.SeenAt,
        ForgottenAt = entry.ForgottenAt,
        LostAt = entry.LostAt,
        UpdatedAt = entry.UpdatedAt,
        UnknownFields = LedgerUnknownFields.Copy(entry.UnknownFields),
    };

    /// <summary>A submission's line: the key, its batch and input, and the request, as sent.</summary>
    public static LedgerRecord ForSubmission(PlannedSubmission planned, string? status, DateTimeOffset? submittedAt, DateTimeOffset updatedAt) => new()
    {
        IdempotencyKey = planned.IdempotencyKey,
        Batch = planned.Batch,
        Input = planned.InputNumber,
        Row = planned.Row?.ToStored(),
        Body = planned.Request.BodyText,
        EstimatedCostUsd = planned.EstimatedCostUsd,
        SubmittedAt = submittedAt,
        Status = status,
        UpdatedAt = updatedAt,
    };

    /// <summary>A full record of an unresolved submission: how compaction keeps it.</summary>
    public static LedgerRecord FromSubmission(LedgerSubmission submission)
    {
        var record = ForSubmission(submission.Planned, submission.Status, submission.SubmittedAt, submission.UpdatedAt);
        record.Attempt = submission.Attempt;
        record.ErrorCode = submission.ErrorCode;
        record.ErrorMessage = submission.ErrorMessage;
        record.UnknownFields = LedgerUnknownFields.Copy(submission.UnknownFields);
        return record;
    }

    /// <summary>A full record of a batch: how compaction keeps it.</summary>
    public static LedgerRecord FromBatch(LedgerBatch batch) => new()
    {
        Kind = LedgerRecordKinds.Batch,
        Batch = batch.Name,
        Named = batch.Named,
        Status = batch.Status,
        Inputs = batch.Inputs,
        SubmittedAt = batch.StartedAt,
        UpdatedAt = batch.UpdatedAt,
        UnknownFields = LedgerUnknownFields.Copy(batch.UnknownFields),
    };

    /// <summary>Folds this batch event over the batch's state so far (null for its first line).</summary>
    public LedgerBatch ApplyTo(LedgerBatch? current) => new()
    {
        Name = current?.Name ?? Batch!,
        Named = Named ?? current?.Named ?? false,
        Status = Status ?? current?.Status,
        Inputs = Inputs ?? current?.Inputs,
        StartedAt = current?.StartedAt ?? SubmittedAt ?? UpdatedAt,
        UpdatedAt = UpdatedAt ?? current?.UpdatedAt ?? default,
        UnknownFields = LedgerUnknownFields.Merge(current?.UnknownFields, UnknownFields),
    };

    /// <summary>Folds this submission event over the submission's state so far (null for its first line).</summary>
    public LedgerSubmission? ApplyTo(LedgerSubmission? current)
    {
        var request = ReadRequest() ?? current?.Request;
        if (request is null)
        {
            return current; // an event for a submission whose request never reached this file: nothing to settle
        }

        return new LedgerSubmission
        {
            IdempotencyKey = current?.IdempotencyKey ?? IdempotencyKey!,
            Batch = Batch ?? current?.Batch,
            InputNumber = Input ?? current?.InputNumber,
            Row = TaskRow.FromStored(Row) ?? current?.Row,
            Request = request,
            EstimatedCostUsd = EstimatedCostUsd ?? current?.EstimatedCostUsd,
            SubmittedAt = SubmittedAt ?? current?.SubmittedAt,
            Status = TaskId is not null ? LedgerSubmission.CreatedStatus : Status ?? current?.Status,
            TaskId = TaskId ?? current?.TaskId,
            Attempt = Attempt ?? current?.Attempt,
            ErrorCode = ErrorCode ?? current?.ErrorCode,
            ErrorMessage = ErrorMessage ?? current?.ErrorMessage,
            UpdatedAt = UpdatedAt ?? current?.UpdatedAt ?? default,
            UnknownFields = LedgerUnknownFields.Merge(current?.UnknownFields, UnknownFields),
        };
    }

    /// <summary>Folds this event over the task's state so far (null for the task's first line).</summary>
    public LedgerEntry ApplyTo(LedgerEntry? current)
    {
        var request = current?.Request ?? ReadRequest();
        return new LedgerEntry
        {
            TaskId = current?.TaskId ?? TaskId!,
            // A task's identity (its key, batch and input) is fixed by the first line that gives it, like its request: a
            // later line naming another key for the same task id (a server answering two creates with one id) never
            // moves the task to another input.
            IdempotencyKey = current?.IdempotencyKey ?? IdempotencyKey,
            Batch = current?.Batch ?? Batch,
            InputNumber = current?.InputNumber ?? Input,
            Row = TaskRow.FromStored(Row) ?? current?.Row,
            Request = request,
            Model = request?.Model ?? Model ?? current?.Model,
            EstimatedCostUsd = EstimatedCostUsd ?? current?.EstimatedCostUsd,
            SubmittedAt = SubmittedAt ?? current?.SubmittedAt,
            Status = Status ?? current?.Status,
            VideoUrl = VideoUrl ?? current?.VideoUrl,
            ExpiresAt = ExpiresAt ?? current?.ExpiresAt,
            ErrorCode = ErrorCode ?? current?.ErrorCode,
            ErrorMessage = ErrorMessage ?? current?.ErrorMessage,
            SavedPath = SavedPath ?? current?.SavedPath,
            SavedLength = SavedLength ?? current?.SavedLength,
            // A save event without a hash (an older version's) must not inherit the hash of an earlier save.
            SavedSha256 = SavedPath is not null ? SavedSha256 : current?.SavedSha256,
            SavedAt = SavedAt ?? current?.SavedAt,
            SavedFiles = FoldSavedFiles(current?.SavedFiles),
            SeenAt = SeenAt ?? (Status is not null ? UpdatedAt : null) ?? current?.SeenAt,
            ForgottenAt = ForgottenAt ?? current?.ForgottenAt,
            LostAt = LostAt ?? current?.LostAt,
            UpdatedAt = UpdatedAt ?? current?.UpdatedAt ?? default,
            UnknownFields = LedgerUnknownFields.Merge(current?.UnknownFields, UnknownFields),
        };
    }

    /// <summary>The places saved so far plus this event's (a place saved again replaces its older length).</summary>
    private IReadOnlyList<SavedFile> FoldSavedFiles(IReadOnlyList<SavedFile>? current)
    {
        if (SavedFiles is null && (SavedPath is null || SavedLength is null))
        {
            return current ?? Array.Empty<SavedFile>();
        }

        var files = new List<SavedFile>(current ?? Array.Empty<SavedFile>());
        foreach (var saved in SavedFiles ?? Enumerable.Empty<SavedFile>())
        {
            Add(files, saved);
        }

        if (SavedPath is { } path && SavedLength is { } length)
        {
            Add(files, new SavedFile(path, length, SavedSha256));
        }

        return files;
    }

    private static void Add(List<SavedFile> files, SavedFile saved)
    {
        files.RemoveAll(file => string.Equals(file.Path, saved.Path, StringComparison.Ordinal));
        files.Add(saved);
    }
}
