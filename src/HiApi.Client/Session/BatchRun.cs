namespace HiApi.Client;

/// <summary>
/// One run of a batch: the inputs of one <c>New-HiApiVideoTask</c>, each given its identity before anything is sent.
/// The n-th input with a given request gets the key <see cref="IdempotencyKeys.Derive"/> makes of the batch's name, that
/// request and n, so the same input run again in the same batch (here or on another machine) has the same keys; what
/// the ledger already knows of a key decides what happens to the input: its task is handed back (a failed one too: HiAPI
/// may have charged it, so trying again is the caller's choice, <c>retryFailed</c>, under the next attempt's key), an
/// unanswered submission is sent again with its key, a refused one is sent again. The ledger's claim is taken under its cross-process lock, so two runs of one batch at once
/// send each input once. Without a ledger, HiAPI's own replay of a key (about 24 hours) is what keeps a re-run from paying twice.
/// </summary>
public sealed class BatchRun
{
    private readonly HiApiSession _session;
    private readonly Dictionary<string, int> _occurrences = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private bool _recorded;
    private int _inputs;

    private BatchRun(HiApiSession session, string name, bool named)
    {
        _session = session;
        Name = name;
        Named = named;
    }

    /// <summary>The batch's name: the user's (<c>-Batch</c>), or one made for this run.</summary>
    public string Name { get; }

    /// <summary>Whether the user named the batch.</summary>
    public bool Named { get; }

    /// <summary>For a run <see cref="ResumeChoice"/> chose: why this batch (what <c>-Verbose</c> says); null otherwise.</summary>
    public string? ResumedBecause { get; private init; }

    /// <summary>A run of the batch <paramref name="name"/>, or of a new batch with a name of its own when it is null.</summary>
    /// <exception cref="HiApiException">Kind <see cref="HiApiErrorKind.InvalidRequest"/>: a name that cannot name a batch.</exception>
    public static BatchRun Start(HiApiSession session, string? name)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (name is null)
        {
            return new BatchRun(session, IdempotencyKeys.NewBatchName(DateTimeOffset.UtcNow), named: false);
        }

        if (IdempotencyKeys.CheckBatchName(name) is { } problem)
        {
            throw new HiApiException(HiApiErrorKind.InvalidRequest, $"-Batch '{TextPreview.Shorten(name, 60)}': {problem}");
        }

        return new BatchRun(session, name, named: true);
    }

    /// <summary>The run of the earlier batch <see cref="ResumeChoice"/> chose, with why (what <c>-Verbose</c> says).</summary>
    internal static BatchRun Resumed(HiApiSession session, LedgerBatch batch, string because) =>
        new(session, batch.Name, batch.Named) { ResumedBecause = because };

    /// <summary>
    /// Gives the next input its identity: its number, its key (the user's, or derived), and what the ledger already knows
    /// of that key, read without writing anything. An input whose task failed is followed through the attempts already
    /// made (keys ending .2, .3, ...) to the latest; when that one failed too, it is handed back as it is, or, with
    /// <paramref name="retryFailed"/>, given the next attempt's key, to be sent (and paid for) again.
    /// <paramref name="row"/> (the rest of the input) goes with the submission, never into its request or key.
    /// <paramref name="inputNumber"/> is the input's position in the pipeline when the caller counts it (an input refused
    /// before planning still has its place, so task 3 is the third row); by default, the next after the last planned.
    /// </summary>
    public PlannedInput Plan(VideoRequest request, string? userKey, TaskRow? row = null, int? inputNumber = null, bool retryFailed = false)
    {
        ArgumentNullException.ThrowIfNull(request);
        int number;
        int occurrence;
        lock (_gate)
        {
            number = inputNumber ?? _inputs + 1;
            _inputs = Math.Max(_inputs, number);
            occurrence = _occurrences[request.Fingerprint] = _occurrences.GetValueOrDefault(request.Fingerprint) + 1;
        }

        PlannedInput? failed = null;
        for (var attempt = 1; ; attempt++)
        {
            var key = userKey ?? IdempotencyKeys.Derive(Name, request, occurrence, attempt);
            var planned = new PlannedSubmission(request, key, Name, number) { Row = row };
            var known = _session.Peek(planned);
            // An attempt whose task failed leads to the next one, if one was ever claimed (an earlier -RetryFailed), or
            // the caller asks for it. A key of the user's is theirs to change: its failed task is handed back as it is.
            if (failed is not null && !retryFailed && known is { Kind: SubmissionClaimKind.New, Submission: null })
            {
                return failed;
            }

            if (userKey is null && known is { Kind: SubmissionClaimKind.Created, Task.IsFailed: true })
            {
                failed = new PlannedInput(planned, known, attempt);
                continue;
            }

            return new PlannedInput(planned, known, attempt);
        }
    }

    /// <summary>
    /// Claims <paramref name="input"/> in the ledger (write-ahead; see <see cref="TaskLedger.Claim"/>), recording the run
    /// first when this is its first claim. What the claim found decides what the caller does next.
    /// </summary>
    public SubmissionClaim? Claim(PlannedInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        RecordStarted();
        return _session.Claim(input.Submission);
    }

    /// <summary>Records that this run read all its input and nothing it sent is left unanswered (no-op before any claim).</summary>
    public void Finish()
    {
        lock (_gate)
        {
            if (!_recorded || _session.Ledger is not { } ledger)
            {
                return;
            }

            ledger.RecordBatch(Name, Named, LedgerBatch.FinishedStatus, _inputs);
        }
    }

    private void RecordStarted()
    {
        lock (_gate)
        {
            if (_recorded)
            {
                return;
            }

            _session.RecordBatchStarted(Name, Named);
            _recorded = true;
        }
    }
}
