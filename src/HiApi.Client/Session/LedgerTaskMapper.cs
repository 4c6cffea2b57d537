namespace HiApi.Client;

/// <summary>Converts between the ledger's record of a task and the task object the cmdlets hand around.</summary>
internal static class LedgerTaskMapper
{
    public static LedgerEntry ToSubmittedEntry(HiApiTask task) => new()
    {
        TaskId = task.TaskId,
        IdempotencyKey = task.IdempotencyKey,
        Batch = task.Batch,
        InputNumber = task.InputNumber,
        Row = task.Row,
        Request = task.Request,
        Model = task.Model,
        EstimatedCostUsd = task.EstimatedCostUsd,
        SubmittedAt = task.SubmittedAt,
        Status = task.StatusText ?? StatusText(task.Status),
    };

    /// <summary>The task as the ledger last knew it: request, last status, and the video URL if it had one.</summary>
    public static HiApiTask ToTask(LedgerEntry entry)
    {
        var status = HiApiTask.ParseStatus(entry.Status);
        return new HiApiTask(entry.TaskId)
        {
            Model = entry.Model,
            Status = status,
            StatusText = entry.Status,
            Outputs = entry.VideoUrl is null
                ? Array.Empty<TaskOutput>()
                : new[] { new TaskOutput("video", entry.VideoUrl, entry.ExpiresAt) },
            Error = entry.ErrorCode is null && entry.ErrorMessage is null
                ? null
                : new TaskError(entry.ErrorCode ?? string.Empty, entry.ErrorMessage ?? string.Empty),
            Request = entry.Request,
            EstimatedCostUsd = entry.EstimatedCostUsd,
            IdempotencyKey = entry.IdempotencyKey,
            Batch = entry.Batch,
            InputNumber = entry.InputNumber,
            Row = entry.Row,
            SubmittedAt = entry.SubmittedAt,
            // When HiAPI last said the status: a listing shows how old it is instead of passing it off as current.
            RetrievedAt = entry.SeenAt,
        };
    }

    /// <summary>The API's own spelling, for a status this library parsed but did not keep the text of.</summary>
    public static string? StatusText(HiApiTaskStatus status) => status switch
    {
        HiApiTaskStatus.Unknown => null,
        _ => status.ToString().ToLowerInvariant(),
    };
}
