namespace HiApi.Client;

/// <summary>The waiter's bookkeeping for one task; only touched under the waiter's lock.</summary>
internal sealed class TrackedTask
{
    public TrackedTask(HiApiTask latest, DateTimeOffset addedAt, DateTimeOffset deadline)
    {
        Latest = latest;
        AddedAt = addedAt;
        Deadline = deadline;
    }

    public string TaskId => Latest.TaskId;
    public HiApiTask Latest { get; set; }
    public DateTimeOffset AddedAt { get; }
    public DateTimeOffset Deadline { get; }

    /// <summary>Since when the task has been rendering, as far as anyone here knows.</summary>
    public DateTimeOffset RenderStart => Latest.SubmittedAt is { } submitted && submitted < AddedAt ? submitted : AddedAt;

    /// <summary>The last poll that failed in a way worth retrying; said at the timeout if nothing better came.</summary>
    public HiApiException? LastError { get; set; }

    /// <summary>The schedule entry that is current; older entries for this task are skipped as stale.</summary>
    public DateTimeOffset NextPollAt { get; set; }

    public bool InFlight { get; set; }
    public bool Ended { get; set; }
}
