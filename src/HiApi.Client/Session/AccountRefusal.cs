namespace HiApi.Client;

/// <summary>
/// A refusal that is not about one input but about the key or the account, so that every later input would be refused
/// the same way: 401 (a missing or wrong key, or a key not allowed to use the model: the rest of that model's inputs),
/// 403 (the key or account not allowed, or out of quota: every input) and 402 (the account's balance cannot cover the
/// up-front estimate: every input, until it is topped up). Once one is seen, the run sends no more inputs it covers;
/// those sent before it (in flight) finish, and their answers decide their own outcome. Thread-safe: refusals arrive
/// from submissions in flight, the next input is decided on the pipeline thread.
/// </summary>
public sealed class AccountRefusal
{
    private readonly object _gate = new();
    private readonly List<(HiApiException Refusal, string? Model, int? InputNumber)> _first = [];
    private readonly List<int> _refusedInFlight = [];
    private int _notSent;

    /// <summary>
    /// Whether <paramref name="refusal"/>, an answer HiAPI gave to a create, refuses every later input of the same model
    /// (401) or of any model (402, 403). A lost answer (no status) is about its own input only.
    /// </summary>
    public static bool IsAccountWide(HiApiException refusal) =>
        refusal is { StatusCode: 401 or 402 or 403, Kind: HiApiErrorKind.Unauthorized or HiApiErrorKind.InsufficientBalance };

    /// <summary>
    /// Takes the error that ended input <paramref name="inputNumber"/> (a create for <paramref name="model"/>). An
    /// account-wide refusal stops the inputs it covers from then on (<see cref="Stopping"/>).
    /// </summary>
    /// <returns>
    /// <see cref="RefusalReport.Own"/>: write it as the input's own error (the first refusal of its kind, any other error,
    /// and always one whose earlier send may have created a task: that input stays unresolved, and must be told);
    /// <see cref="RefusalReport.Folded"/>: an input already in flight refused the same way as an earlier one: counted in
    /// <see cref="Summary"/> instead of repeating the same error.
    /// </returns>
    public RefusalReport Observe(HiApiException refusal, string? model, int? inputNumber)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        if (!IsAccountWide(refusal))
        {
            return RefusalReport.Own;
        }

        lock (_gate)
        {
            if (StoppingLocked(model) is not null)
            {
                if (refusal.TaskMayHaveBeenCreated || inputNumber is not { } number)
                {
                    return RefusalReport.Own;
                }

                _refusedInFlight.Add(number);
                return RefusalReport.Folded;
            }

            _first.Add((refusal, refusal.StatusCode == 401 ? model : null, inputNumber));
            return RefusalReport.Own;
        }
    }

    /// <summary>The refusal that stops an input of <paramref name="model"/> from being sent, or null when it may be sent.</summary>
    public HiApiException? Stopping(string? model)
    {
        lock (_gate)
        {
            return StoppingLocked(model);
        }
    }

    /// <summary>Counts an input that was not sent because of <see cref="Stopping"/>.</summary>
    public void NotSent()
    {
        lock (_gate)
        {
            _notSent++;
        }
    }

    /// <summary>Whether any input was left unsent: the run did not read and send all its input.</summary>
    public bool LeftInputsUnsent
    {
        get
        {
            lock (_gate)
            {
                return _notSent > 0;
            }
        }
    }

    /// <summary>
    /// One line for the end of the run: how many inputs were not sent (nothing paid for them), how many in flight were
    /// refused the same way, and how to send them once the key or balance is fixed. Null when nothing was left out or folded.
    /// </summary>
    public string? Summary(string batch, bool batchNamed)
    {
        lock (_gate)
        {
            if (_first.Count == 0 || (_notSent == 0 && _refusedInFlight.Count == 0))
            {
                return null;
            }

            var first = _first[0];
            var what = $"HiAPI refused {(first.InputNumber is { } n ? $"input {n}" : "an input")} with {first.Refusal.StatusCode}" +
                (first.Refusal.StatusCode == 402 ? " (balance)" : first.Model is { } model ? $" (key, for {model})" : " (key)");
            var parts = new List<string>();
            if (_notSent > 0)
            {
                parts.Add($"{_notSent} more input{(_notSent == 1 ? " was" : "s were")} not sent, and nothing was paid for {(_notSent == 1 ? "it" : "them")}");
            }

            if (_refusedInFlight.Count > 0)
            {
                var numbers = _refusedInFlight.Order().ToList();
                var listed = string.Join(", ", numbers.Take(MaxListed)) + (numbers.Count > MaxListed ? ", ..." : string.Empty);
                parts.Add($"{Inputs(numbers.Count)} already in flight {(numbers.Count == 1 ? "was" : "were")} refused the same way (input{(numbers.Count == 1 ? "" : "s")} {listed})");
            }

            var again = batchNamed ? $"with -Batch '{batch}'" : "with -Resume";
            var fix = first.Refusal.StatusCode == 402 ? "top up" : "fix the key";
            return $"{what}: {string.Join("; ", parts)}. To send them, {fix}, then run the same command again {again}: inputs that have a task are handed back, not paid for again.";
        }
    }

    private const int MaxListed = 10;

    private static string Inputs(int count) => count == 1 ? "1 input" : $"{count} inputs";

    private HiApiException? StoppingLocked(string? model) =>
        _first.FirstOrDefault(first => first.Model is null || string.Equals(first.Model, model, StringComparison.Ordinal)).Refusal;
}
