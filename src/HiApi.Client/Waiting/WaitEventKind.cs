namespace HiApi.Client;

public enum WaitEventKind
{
    Succeeded,
    Failed,
    TimedOut,

    /// <summary>A GET error that retrying does not cure (404, 401...), or retries exhausted.</summary>
    Errored,
}
