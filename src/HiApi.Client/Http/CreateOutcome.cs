namespace HiApi.Client;

/// <summary>
/// A create's outcome across all its attempts: it starts proven-nothing and becomes unknown the moment any attempt may
/// have created a task; a later attempt's error never turns it back. Only a task id (created or replayed) settles it.
/// </summary>
internal sealed class CreateOutcome
{
    /// <summary>Some attempt may have created a task, and no answer has proved which.</summary>
    public bool MayHaveBeenCreated { get; private set; }

    /// <summary>The first attempt whose outcome became unknown, and why: what the error tells the user.</summary>
    public string? FirstUnknownReason { get; private set; }

    public void Observe(AttemptVerdict verdict, string reason)
    {
        if (verdict.MayHaveTakenEffect && !MayHaveBeenCreated)
        {
            MayHaveBeenCreated = true;
            FirstUnknownReason = reason;
        }
    }
}
