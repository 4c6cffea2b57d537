namespace HiApi.Client;

/// <summary>The waiter's bookkeeping for one task; only touched under the waiter's lock.</summary>
internal sealed class TrackedTask
{
    public TrackedTask(HiApiTask latest, DateTimeOffset deadline)
    {
        Latest = latest;
        Deadline = deadline;
    }

    public string TaskId => Latest.TaskId;
    public HiApiTask Latest { get; set; }
    public DateTimeOffset Deadline { get; }

    /// <summary>The schedule entry that is current; older entries for this task are skipped as stale.</summary>
    public DateTimeOffset NextPollAt { get; set; }

    public bool InFlight { get; set; }
    public bool Ended { get; set; }
}
