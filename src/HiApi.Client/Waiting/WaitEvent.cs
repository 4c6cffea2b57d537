namespace HiApi.Client;

/// <summary>One task reached the end of its wait: success, failure, timeout or an error reading it.</summary>
public sealed class WaitEvent
{
    internal WaitEvent(WaitEventKind kind, HiApiTask task, HiApiException? error)
    {
        Kind = kind;
        Task = task ?? throw new ArgumentNullException(nameof(task));
        Error = error;
    }

    public WaitEventKind Kind { get; }

    /// <summary>The latest known state, with the request fields kept.</summary>
    public HiApiTask Task { get; }

    /// <summary>Null for <see cref="WaitEventKind.Succeeded"/>; otherwise names the task and what happened.</summary>
    public HiApiException? Error { get; }

    public override string ToString() => Error is null ? $"{Kind} {Task}" : $"{Kind} {Task}: {Error.Message}";
}
