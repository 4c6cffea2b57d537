namespace HiApi.Client;

/// <summary>A task's lifecycle: queued, handling, archiving, then success or fail.</summary>
public enum HiApiTaskStatus
{
    Queued,
    Handling,
    Archiving,
    Success,
    Fail,

    /// <summary>A value the API added after this library was written, or a state not read yet.</summary>
    Unknown,
}
