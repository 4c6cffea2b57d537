namespace HiApi.Client;

public enum CallbackEventKind
{
    /// <summary>HiAPI confirmed (by a GET with the key, or a signed callback) that the task succeeded; its video URL is the server's.</summary>
    Succeeded,

    /// <summary>HiAPI confirmed that the task failed.</summary>
    Failed,

    /// <summary>An awaited task neither called back nor finished within the task timeout.</summary>
    TimedOut,

    /// <summary>Reading the task to verify or sweep it failed (retries included).</summary>
    Errored,

    /// <summary>A request that led to nothing: malformed, badly signed, unknown task, duplicate, or not final when verified.</summary>
    Ignored,
}
