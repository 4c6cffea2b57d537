using System.Text.Json;

namespace HiApi.Client;

/// <summary>
/// One task's record in the <see cref="TaskLedger"/>: what was asked for, what the API last said about it,
/// and where its video was saved. An immutable snapshot; the ledger hands out a fresh one after every change.
/// There is deliberately no field for the API key: the ledger is a plain file in the user's profile.
/// </summary>
public sealed class LedgerEntry
{
    private const string SuccessStatus = "success";
    private const string FailStatus = "fail";

    /// <summary>The platform's task id (<c>tk-hiapi-...</c>); the key the ledger folds events by.</summary>
    public required string TaskId { get; init; }

    /// <summary>The <c>Idempotency-Key</c> the task was submitted with, when this machine submitted it.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>The batch the task's submission belongs to (<c>-Batch</c>, or the name a run without one was given).</summary>
    public string? Batch { get; init; }

    /// <summary>The input's position (1, 2, ...) in the run that submitted it.</summary>
    public int? InputNumber { get; init; }

    /// <summary>The rest of the input's row (its columns that are not request fields); the latest recorded wins.</summary>
    public TaskRow? Row { get; init; }

    /// <summary>The request exactly as sent; null for a task found by listing (HiAPI does not echo the request).</summary>
    public VideoRequest? Request { get; init; }

    /// <summary>Model id, e.g. <c>happyhorse-1.1/text-to-video</c>: the request's, or what a listing said.</summary>
    public string? Model { get; init; }

    /// <summary>The estimate of the task's cost in USD when it was submitted (public prices; not the bill); null when unknown.</summary>
    public decimal? EstimatedCostUsd { get; init; }

    /// <summary>The request's <c>input.prompt</c>.</summary>
    public string? Prompt => Request?.Prompt;

    /// <summary>The request's <c>input.duration</c> in seconds (3..15): what the task costs.</summary>
    public int? Duration => Request?.Duration;

    /// <summary>When the task was submitted (the seeds' "store every taskId with created_at").</summary>
    public DateTimeOffset? SubmittedAt { get; init; }

    /// <summary>Last known raw API status: <c>queued</c>, <c>handling</c>, <c>archiving</c>, <c>success</c>, <c>fail</c>, ...</summary>
    public string? Status { get; init; }

    /// <summary>The temporary <c>output[0].url</c> of a successful task.</summary>
    public string? VideoUrl { get; init; }

    /// <summary>When <see cref="VideoUrl"/> stops working (the API's <c>expireAt</c>).</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The failed task's <c>error.code</c>.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>The failed task's <c>error.message</c>.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>Full path of the downloaded video file, once saved.</summary>
    public string? SavedPath { get; init; }

    /// <summary>Length in bytes of the saved file, so a later run can tell whether it is still intact.</summary>
    public long? SavedLength { get; init; }

    /// <summary>SHA-256 (lowercase hex) of the saved file, to tell a damaged save from an intact one; null in older ledgers.</summary>
    public string? SavedSha256 { get; init; }

    /// <summary>When the video was saved.</summary>
    public DateTimeOffset? SavedAt { get; init; }

    /// <summary>
    /// Every place the video was saved to (the latest last), so a re-run into any of them can skip it. Without a list
    /// of its own, the entry's <see cref="SavedPath"/> is the only one.
    /// </summary>
    public IReadOnlyList<SavedFile> SavedFiles
    {
        get => _savedFiles is { Count: > 0 } files
            ? files
            : SavedPath is { } path && SavedLength is { } length ? [new SavedFile(path, length, SavedSha256)] : Array.Empty<SavedFile>();
        init => _savedFiles = value;
    }

    private readonly IReadOnlyList<SavedFile>? _savedFiles;

    /// <summary>When HiAPI last said <see cref="Status"/>, as far as this ledger knows: how old the status is.</summary>
    public DateTimeOffset? SeenAt { get; init; }

    /// <summary>
    /// When the user forgot the task (<c>Remove-HiApiTask</c>): it is no longer listed or pending, but its key still hands
    /// it back to a run of its batch, so forgetting never makes anything be paid for twice.
    /// </summary>
    public DateTimeOffset? ForgottenAt { get; init; }

    /// <summary>When its video, never saved, was reported expired: lost, so no longer pending.</summary>
    public DateTimeOffset? LostAt { get; init; }

    /// <summary>Forgotten by the user: left out of listings and of the pending work.</summary>
    public bool IsForgotten => ForgottenAt is not null;

    /// <summary>When this task's record last changed; compaction measures retention from it.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Fields a newer version wrote for this task, kept so that compaction writes them back.</summary>
    internal IReadOnlyDictionary<string, JsonElement>? UnknownFields { get; init; }

    /// <summary>Only <c>success</c> and <c>fail</c> are final; everything before them may still change.</summary>
    public bool IsTerminal => IsTerminalStatus(Status);

    /// <summary>The video has been downloaded to <see cref="SavedPath"/>.</summary>
    public bool IsSaved => SavedPath is not null;

    /// <summary>
    /// Work still owed to the user: the task is not finished yet, or it succeeded but its video was never saved.
    /// Expired tasks stay pending until the resume path has reported them (then they are lost), so none is forgotten
    /// silently; a task the user forgot is not pending.
    /// </summary>
    public bool IsPending => !IsForgotten && LostAt is null && (!IsTerminal || (IsStatus(SuccessStatus) && !IsSaved));

    /// <summary>A successful, unsaved task whose temporary video URL has run out: the video is lost.</summary>
    public bool IsExpired(DateTimeOffset now) =>
        IsStatus(SuccessStatus) && !IsSaved && ExpiresAt is { } expiresAt && expiresAt <= now;

    /// <summary>The task as the ledger last knew it (no request is made): request, last status, video URL.</summary>
    public HiApiTask ToTask() => LedgerTaskMapper.ToTask(this);

    /// <inheritdoc />
    public override string ToString() => $"{TaskId} ({Status ?? "unknown"})";

    internal static bool IsTerminalStatus(string? status) =>
        string.Equals(status, SuccessStatus, StringComparison.OrdinalIgnoreCase)
        || string.Equals(status, FailStatus, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether the task failed (HiAPI may still have charged it: a re-run hands it back unless told to try again).</summary>
    public bool IsFailed => IsStatus(FailStatus);

    private bool IsStatus(string status) => string.Equals(Status, status, StringComparison.OrdinalIgnoreCase);
}
