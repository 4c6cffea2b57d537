namespace HiApi.Client;

/// <summary>
/// What a <see cref="CallbackReceiver"/> made of a callback or a sweep. <see cref="Task"/> is never an unsigned callback
/// body: it is the state read back with the key, or the body of a callback whose signature verified (either merged with
/// the request fields the caller knew), or the known task.
/// </summary>
public sealed class CallbackEvent
{
    internal CallbackEvent(CallbackEventKind kind, string? taskId, HiApiTask? task, HiApiException? error, string? note, bool fromSweeper)
    {
        Kind = kind;
        TaskId = task?.TaskId ?? taskId;
        Task = task;
        Error = error;
        Note = note;
        FromSweeper = fromSweeper;
    }

    public CallbackEventKind Kind { get; }

    /// <summary>The task concerned; for an ignored callback, the id its body named (unverified), if it had one.</summary>
    public string? TaskId { get; }

    /// <summary>The verified or known task; null for a malformed body or an unknown id.</summary>
    public HiApiTask? Task { get; }

    /// <summary>Set for <see cref="CallbackEventKind.Failed"/>, <see cref="CallbackEventKind.TimedOut"/> and <see cref="CallbackEventKind.Errored"/>.</summary>
    public HiApiException? Error { get; }

    /// <summary>Why a callback was <see cref="CallbackEventKind.Ignored"/>; for other kinds, how the result was found.</summary>
    public string? Note { get; }

    /// <summary>True when the sweeper's poll found the result, not a callback.</summary>
    public bool FromSweeper { get; }

    public override string ToString() =>
        $"{Kind} {TaskId ?? "(no task id)"}{(FromSweeper ? " (sweeper)" : "")}: {Note ?? Error?.Message ?? Task?.ToString()}";
}
