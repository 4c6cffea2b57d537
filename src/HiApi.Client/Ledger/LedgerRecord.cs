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
    /// <summary>What the line is (see <see cref="LedgerRecordKinds"/>); none for a task or submission event.</summary>
    public string? Kind { get; set; }

    public string? TaskId { get; set; }

    /// <summary>
    /// The submission's <c>Idempotency-Key</c>. A line with a key and no task id is a submission whose outcome was not
    /// known yet when it was written (written before the POST) or that the API refused; a line with both ties the
    /// task to the submission that created it.
    /// </summary>
    public string? IdempotencyKey { get; set; }
    public string? Model { get; set; }
    public string? Prompt { get; set; }
    public string? ImageUrl { get; set; }
    public string? AspectRatio { get; set; }
    public string? Resolution { get; set; }
    public int? Duration { get; set; }
    public string? CallbackUrl { get; set; }
    public DateTimeOffset? SubmittedAt { get; set; }
    public string? Status { get; set; }
    public string? VideoUrl { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public string? ErrorCode { get; set; }
    public string? ErrorMessage { get; set; }
    public string? SavedPath { get; set; }
    public long? SavedLength { get; set; }
    public DateTimeOffset? SavedAt { get; set; }

    /// <summary>
    /// Every earlier place the video was saved to, on a compacted (full) line only; a save event carries just its own
    /// <see cref="SavedPath"/>, and the fold collects them all.
    /// </summary>
    public List<SavedFile>? SavedFiles { get; set; }

    public DateTimeOffset? UpdatedAt { get; set; }

    /// <summary>
    /// Fields this version does not know (a newer version wrote them): folded like the others and written back by
    /// compaction, so a rewrite never drops what it did not understand.
    /// </summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? UnknownFields { get; set; }

    /// <summary>A full record of <paramref name="entry"/>: how a submission and a compacted task are written.</summary>
    public static LedgerRecord FromEntry(LedgerEntry entry) => new()
    {
        TaskId = entry.TaskId,
        IdempotencyKey = entry.IdempotencyKey,
        Model = entry.Model,
        Prompt = entry.Prompt,
        ImageUrl = entry.ImageUrl,
        AspectRatio = entry.AspectRatio,
        Resolution = entry.Resolution,
        Duration = entry.Duration,
        CallbackUrl = entry.CallbackUrl,
        SubmittedAt = entry.SubmittedAt,
        Status = entry.Status,
        VideoUrl = entry.VideoUrl,
        ExpiresAt = entry.ExpiresAt,
        ErrorCode = entry.ErrorCode,
        ErrorMessage = entry.ErrorMessage,
        SavedPath = entry.SavedPath,
        SavedLength = entry.SavedLength,
        SavedAt = entry.SavedAt,
        SavedFiles = entry.SavedFiles.Count > 1 ? entry.SavedFiles.ToList() : null,
        UpdatedAt = entry.UpdatedAt,
        UnknownFields = LedgerUnknownFields.Copy(entry.UnknownFields),
    };

    /// <summary>A submission's line: the key and the request, as sent.</summary>
    public static LedgerRecord ForSubmission(string idempotencyKey, VideoRequest request, string? status, DateTimeOffset? submittedAt, DateTimeOffset updatedAt) => new()
    {
        IdempotencyKey = idempotencyKey,
        Model = request.Model,
        Prompt = request.Prompt,
        ImageUrl = request.ImageUrl,
        AspectRatio = request.AspectRatio,
        Resolution = request.Resolution,
        Duration = request.Duration,
        CallbackUrl = request.CallbackUrl,
        SubmittedAt = submittedAt,
        Status = status,
        UpdatedAt = updatedAt,
    };

    /// <summary>A full record of an unresolved submission: how compaction keeps it.</summary>
    public static LedgerRecord FromSubmission(LedgerSubmission submission)
    {
        var record = ForSubmission(submission.IdempotencyKey, submission.Request, submission.Status, submission.SubmittedAt, submission.UpdatedAt);
        record.ErrorCode = submission.ErrorCode;
        record.ErrorMessage = submission.ErrorMessage;
        record.UnknownFields = LedgerUnknownFields.Copy(submission.UnknownFields);
        return record;
    }

    /// <summary>Folds this submission event over the submission's state so far (null for its first line).</summary>
    public LedgerSubmission ApplyTo(LedgerSubmission? current) => new()
    {
        IdempotencyKey = current?.IdempotencyKey ?? IdempotencyKey!,
        Request = current is not null && Model is null
            ? current.Request
            : new VideoRequest
            {
                Model = Model ?? current?.Request.Model ?? HiApiModels.TextToVideo,
                Prompt = Prompt ?? current?.Request.Prompt,
                ImageUrl = ImageUrl ?? current?.Request.ImageUrl,
                AspectRatio = AspectRatio ?? current?.Request.AspectRatio,
                Resolution = Resolution ?? current?.Request.Resolution,
                Duration = Duration ?? current?.Request.Duration,
                CallbackUrl = CallbackUrl ?? current?.Request.CallbackUrl,
                IdempotencyKey = current?.IdempotencyKey ?? IdempotencyKey,
            },
        SubmittedAt = SubmittedAt ?? current?.SubmittedAt,
        Status = TaskId is not null ? LedgerSubmission.CreatedStatus : Status ?? current?.Status,
        TaskId = TaskId ?? current?.TaskId,
        ErrorCode = ErrorCode ?? current?.ErrorCode,
        ErrorMessage = ErrorMessage ?? current?.ErrorMessage,
        UpdatedAt = UpdatedAt ?? current?.UpdatedAt ?? default,
        UnknownFields = LedgerUnknownFields.Merge(current?.UnknownFields, UnknownFields),
    };

    /// <summary>Folds this event over the task's state so far (null for the task's first line).</summary>
    public LedgerEntry ApplyTo(LedgerEntry? current) => new()
    {
        TaskId = current?.TaskId ?? TaskId!,
        IdempotencyKey = IdempotencyKey ?? current?.IdempotencyKey,
        Model = Model ?? current?.Model,
        Prompt = Prompt ?? current?.Prompt,
        ImageUrl = ImageUrl ?? current?.ImageUrl,
        AspectRatio = AspectRatio ?? current?.AspectRatio,
        Resolution = Resolution ?? current?.Resolution,
        Duration = Duration ?? current?.Duration,
        CallbackUrl = CallbackUrl ?? current?.CallbackUrl,
        SubmittedAt = SubmittedAt ?? current?.SubmittedAt,
        Status = Status ?? current?.Status,
        VideoUrl = VideoUrl ?? current?.VideoUrl,
        ExpiresAt = ExpiresAt ?? current?.ExpiresAt,
        ErrorCode = ErrorCode ?? current?.ErrorCode,
        ErrorMessage = ErrorMessage ?? current?.ErrorMessage,
        SavedPath = SavedPath ?? current?.SavedPath,
        SavedLength = SavedLength ?? current?.SavedLength,
        SavedAt = SavedAt ?? current?.SavedAt,
        SavedFiles = FoldSavedFiles(current?.SavedFiles),
        UpdatedAt = UpdatedAt ?? current?.UpdatedAt ?? default,
        UnknownFields = LedgerUnknownFields.Merge(current?.UnknownFields, UnknownFields),
    };

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
            Add(files, new SavedFile(path, length));
        }

        return files;
    }

    private static void Add(List<SavedFile> files, SavedFile saved)
    {
        files.RemoveAll(file => string.Equals(file.Path, saved.Path, StringComparison.Ordinal));
        files.Add(saved);
    }
}
