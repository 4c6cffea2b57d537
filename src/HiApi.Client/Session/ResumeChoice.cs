namespace HiApi.Client;

/// <summary>
/// How <c>-Resume</c> finds the one earlier batch a run continues, from the run's own inputs, before anything is sent.
/// The candidates are the batches that hold the first input (its request, first occurrence; or its own key); unfinished
/// ones first, since a run that was cut off is what -Resume is for; finished ones only when no unfinished batch holds it.
/// Each further input that some candidate holds narrows them to those that hold it too: two storyboards that share a
/// first row part at the first row they do not share. An input none of them holds (never sent: declined at -Confirm,
/// or past where the runs were cut) tells them nothing and is passed over. When the input ends with several left, they
/// hold the same inputs: the latest unfinished one is the run that was cut off (issue 15's rule); several finished ones
/// cannot be told apart, and nothing is sent. Reading inputs costs nothing, so the caller holds them back (sends none)
/// until <see cref="Offer"/> or <see cref="Conclude"/> has chosen.
/// </summary>
public sealed class ResumeChoice
{
    private readonly HiApiSession _session;
    private readonly TaskLedger _ledger;
    private readonly Dictionary<string, int> _occurrences = new(StringComparer.Ordinal);
    private List<LedgerBatch>? _candidates;
    private int _inputs;
    private int _telling; // inputs some candidate held: the ones the choice was made on

    private ResumeChoice(HiApiSession session, TaskLedger ledger)
    {
        _session = session;
        _ledger = ledger;
    }

    /// <summary>The batches still in the running (empty before the first input).</summary>
    public IReadOnlyList<LedgerBatch> Candidates => _candidates ?? [];

    /// <summary>
    /// Finished batches that also hold the first input, set aside because an unfinished one does: if the run is one of
    /// them, its rows would be paid again in the unfinished batch, so the caller says so.
    /// </summary>
    public IReadOnlyList<string> FinishedAlsoHolding { get; private set; } = [];

    /// <summary>A choice over the session's ledger.</summary>
    /// <exception cref="HiApiException">Kind <see cref="HiApiErrorKind.NothingToResume"/>: there is no ledger.</exception>
    public static ResumeChoice Begin(HiApiSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (session.Ledger is not { } ledger)
        {
            throw new HiApiException(HiApiErrorKind.NothingToResume,
                "-Resume finds the earlier batch in the task ledger, and there is none (-NoLedger or HIAPI_LEDGER=off). " +
                "Name the batch with -Batch instead: HiAPI then hands back the tasks it created for the same keys (within about 24 hours).");
        }

        return new ResumeChoice(session, ledger);
    }

    /// <summary>
    /// Reads the run's next input (its request and the user's key, if any). Returns the run once the batch is known, null
    /// while several candidates hold every input read so far.
    /// </summary>
    /// <exception cref="HiApiException">Kind <see cref="HiApiErrorKind.NothingToResume"/>: no batch holds the first input,
    /// or several finished batches hold every input read so far and none holds this one.</exception>
    public BatchRun? Offer(VideoRequest request, string? userKey)
    {
        ArgumentNullException.ThrowIfNull(request);
        var occurrence = _occurrences[request.Fingerprint] = _occurrences.GetValueOrDefault(request.Fingerprint) + 1;
        _inputs++;
        if (_candidates is null)
        {
            var batches = Holding(_ledger.GetBatches(), request, userKey, occurrence);
            if (batches.Count == 0)
            {
                throw new HiApiException(HiApiErrorKind.NothingToResume,
                    $"-Resume found no earlier batch in the task ledger ({_ledger.Path}) that holds the first input ({RequestDescription.Subject(request)}), so it sent nothing. " +
                    "Run the command without -Resume to submit it (a new take), or name the batch with -Batch.");
            }

            _telling = 1;
            var unfinished = batches.Where(batch => !batch.IsFinished).ToList();
            if (unfinished.Count > 0)
            {
                FinishedAlsoHolding = batches.Where(batch => batch.IsFinished).Select(batch => batch.Name).ToArray();
            }

            _candidates = unfinished.Count > 0 ? unfinished : batches.ToList();
            return _candidates.Count == 1 ? Chosen(_candidates[0], alone: true) : null;
        }

        var holders = Holding(_candidates, request, userKey, occurrence);
        if (holders.Count == 0)
        {
            return null; // held by none: never sent in any of them, so it tells them nothing
        }

        _telling++;
        if (holders.Count == _candidates.Count)
        {
            return null;
        }

        _candidates = holders.ToList();
        return _candidates.Count == 1 ? Chosen(_candidates[0], alone: true) : null;
    }

    /// <summary>
    /// Chooses among candidates that held every input read: the latest unfinished one, or the only one.
    /// </summary>
    /// <exception cref="HiApiException">Kind <see cref="HiApiErrorKind.NothingToResume"/>: several finished batches.</exception>
    public BatchRun Conclude()
    {
        if (_candidates is not { Count: > 0 } candidates)
        {
            throw new InvalidOperationException("Conclude needs an input first.");
        }

        if (candidates.Count == 1)
        {
            return Chosen(candidates[0], alone: true);
        }

        if (candidates.Where(batch => !batch.IsFinished).OrderBy(batch => batch.UpdatedAt).LastOrDefault() is { } latest)
        {
            return Chosen(latest, alone: false);
        }

        throw new HiApiException(HiApiErrorKind.NothingToResume,
            $"-Resume cannot tell which batch to continue: {Describe(candidates)} all hold {Inputs()} and are finished, so it sent nothing. " +
            $"Name the one to continue with -Batch (for example -Batch '{candidates[^1].Name}', the latest; its tasks are handed back, nothing is paid twice); " +
            "for a new take, leave -Resume out.");
    }

    private BatchRun Chosen(LedgerBatch batch, bool alone)
    {
        var others = _candidates!.Count - 1;
        var because = (batch.IsFinished, alone) switch
        {
            (true, _) => $"the only batch that holds {Inputs()} (it finished: its tasks are handed back)",
            (false, true) => $"the only unfinished batch that holds {Inputs()}",
            (false, false) => $"the latest unfinished batch that holds {Inputs()} ({others} other batch{(others == 1 ? "" : "es")} hold{(others == 1 ? "s" : "")} them too)",
        };
        return BatchRun.Resumed(_session, batch, because);
    }

    private string Inputs() => _telling == 1 ? "the first input" : $"{_telling} of the {_inputs} inputs read";

    /// <summary>The batches among <paramref name="batches"/> whose ledger knows this input's key (one read).</summary>
    private List<LedgerBatch> Holding(IReadOnlyList<LedgerBatch> batches, VideoRequest request, string? userKey, int occurrence)
    {
        if (userKey is not null)
        {
            var owner = _ledger.FindSubmission(userKey)?.Batch ?? _ledger.FindTaskByKey(userKey)?.Batch;
            return batches.Where(batch => batch.Name == owner).ToList();
        }

        var known = _ledger.KnowsKeys(batches.Select(batch => IdempotencyKeys.Derive(batch.Name, request, occurrence)).ToArray());
        return batches.Where((_, i) => known[i]).ToList();
    }

    private static string Describe(IReadOnlyList<LedgerBatch> batches) =>
        string.Join(", ", batches.Select(batch => $"'{batch.Name}'{(batch.StartedAt is { } at ? $" (started {at.ToUniversalTime():yyyy-MM-dd HH:mm} UTC)" : "")}"));
}
