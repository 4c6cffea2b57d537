namespace HiApi.Client;

/// <summary>What became of one unresolved submission when it was settled: the task it created, or why not.</summary>
public sealed class SubmissionOutcome
{
    public SubmissionOutcome(LedgerSubmission submission, HiApiTask? task, HiApiException? error)
    {
        Submission = submission ?? throw new ArgumentNullException(nameof(submission));
        Task = task;
        Error = error;
    }

    public LedgerSubmission Submission { get; }

    /// <summary>The task HiAPI created for the submission (earlier, or now, exactly once).</summary>
    public HiApiTask? Task { get; }

    /// <summary>Why no task id is known: refused (never created), still unknown, or too old to re-send safely.</summary>
    public HiApiException? Error { get; }
}
