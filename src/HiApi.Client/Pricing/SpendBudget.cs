using System.Globalization;

namespace HiApi.Client;

/// <summary>
/// A local limit on what one run pays for, in estimated USD (HiAPI's public prices before any account discount).
/// Enforced here, before anything is sent; HiAPI knows nothing of it. Inputs are admitted in the order they are given:
/// an input is allowed while the estimated total, itself included, stays within the budget. The first input that is
/// refused (its estimate would pass the budget, or its cost is unknown) closes the budget: every later input is
/// refused too, so what is sent is always the first inputs, and running again with a larger budget (and -Resume)
/// continues exactly where it stopped. Without a budget every input is allowed and the estimates only add up.
/// Call <see cref="Admit"/> only for inputs that would be sent and paid for: a task handed back by a re-run or
/// -Resume costs nothing and does not count. Thread-safe; decisions follow the order of the calls.
/// </summary>
public sealed class SpendBudget
{
    /// <summary>The environment variable that sets a budget when no parameter does.</summary>
    public const string EnvironmentVariable = "HIAPI_MAX_COST_USD";

    private readonly object _gate = new();
    private decimal _admittedUsd;
    private int _admitted;
    private int _unknown;
    private int _refused;
    private BudgetDecision? _closedBy;

    /// <param name="maxUsd">The budget in USD (zero or more); null: no budget.</param>
    public SpendBudget(decimal? maxUsd)
    {
        if (maxUsd < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxUsd), "A budget cannot be negative.");
        }

        MaxUsd = maxUsd;
    }

    /// <summary>The budget in USD; null when none is set.</summary>
    public decimal? MaxUsd { get; }

    public bool IsEnforced => MaxUsd.HasValue;

    /// <summary>The estimated USD of the inputs allowed so far (those of unknown cost excluded).</summary>
    public decimal AdmittedUsd
    {
        get { lock (_gate) { return _admittedUsd; } }
    }

    /// <summary>How many inputs were allowed.</summary>
    public int AdmittedCount
    {
        get { lock (_gate) { return _admitted; } }
    }

    /// <summary>How many allowed inputs have an unknown cost (only without a budget: with one they are refused).</summary>
    public int UnknownCount
    {
        get { lock (_gate) { return _unknown; } }
    }

    public int RefusedCount
    {
        get { lock (_gate) { return _refused; } }
    }

    /// <summary>The first refusal, after which nothing more is allowed; null while the budget is open.</summary>
    public BudgetDecision? ClosedBy
    {
        get { lock (_gate) { return _closedBy; } }
    }

    /// <summary>
    /// The budget of the run: <paramref name="maxCostUsd"/> (a parameter), else <c>HIAPI_MAX_COST_USD</c>, else none.
    /// A variable that is not an amount (<see cref="PlainNumber"/>: "abc", "-1", "1,5") or holds only white space is a
    /// <see cref="HiApiErrorKind.Configuration"/> error, never read as "no budget"; an empty one is unset.
    /// </summary>
    public static SpendBudget Resolve(decimal? maxCostUsd, Func<string, string?>? getEnvironmentVariable = null)
    {
        if (maxCostUsd is { } given)
        {
            return given >= 0
                ? new SpendBudget(given)
                : throw new HiApiException(HiApiErrorKind.Configuration, $"The budget must be zero or more USD, not {given.ToString(CultureInfo.InvariantCulture)}.");
        }

        var text = (getEnvironmentVariable ?? Environment.GetEnvironmentVariable)(EnvironmentVariable);
        if (string.IsNullOrEmpty(text))
        {
            return new SpendBudget(null); // unset (on Windows, setting a variable to '' removes it: the same everywhere)
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            // Set, but to nothing readable: a budget someone meant to set must not silently become "no budget".
            throw new HiApiException(
                HiApiErrorKind.Configuration,
                $"{EnvironmentVariable} is set but holds only white space: set it to an amount in USD such as 2.50, or remove it " +
                $"(Remove-Item Env:{EnvironmentVariable}) to run without a budget. Nothing was sent.");
        }

        return PlainNumber.TryParse(text, out var fromEnvironment)
            ? new SpendBudget(fromEnvironment)
            : throw new HiApiException(
                HiApiErrorKind.Configuration,
                $"{EnvironmentVariable} is '{TextPreview.Shorten(text, 43)}', not an amount in USD: write {PlainNumber.Rule}. Nothing was sent.");
    }

    /// <summary>Decides whether the input with <paramref name="estimate"/> may be sent, and counts it if so.</summary>
    public BudgetDecision Admit(CostEstimate estimate, int? inputNumber = null)
    {
        ArgumentNullException.ThrowIfNull(estimate);
        lock (_gate)
        {
            if (MaxUsd is not { } max)
            {
                _admitted++;
                if (estimate.Usd is { } cost)
                {
                    _admittedUsd += cost;
                }
                else
                {
                    _unknown++;
                }

                return new BudgetDecision(estimate, inputNumber, true, null, null, _admittedUsd, null);
            }

            BudgetDecision decision;
            if (_closedBy is { } closed)
            {
                decision = Refuse(estimate, inputNumber, HiApiErrorKind.BudgetExceeded,
                    $"Not sent: the budget of {UsdFormat.Format(max)} closed at {Describe(closed)}, and nothing after it is sent " +
                    $"({UsdFormat.Format(_admittedUsd)} estimated for what was sent). The budget is enforced locally, not by HiAPI.");
            }
            else if (estimate.Usd is not { } cost)
            {
                decision = Refuse(estimate, inputNumber, HiApiErrorKind.PriceUnknown,
                    $"Not sent: its cost cannot be estimated ({estimate.UnknownReason}), and with a budget nothing of unknown cost is sent.");
            }
            else if (_admittedUsd + cost > max)
            {
                decision = Refuse(estimate, inputNumber, HiApiErrorKind.BudgetExceeded,
                    $"Not sent: its estimated {UsdFormat.Format(cost)} would take the total to {UsdFormat.Format(_admittedUsd + cost)}, past the budget of " +
                    $"{UsdFormat.Format(max)} ({UsdFormat.Format(_admittedUsd)} estimated for what was sent); nothing after it is sent either. " +
                    "The budget is enforced locally, not by HiAPI.");
            }
            else
            {
                _admitted++;
                _admittedUsd += cost;
                return new BudgetDecision(estimate, inputNumber, true, null, null, _admittedUsd, max);
            }

            _closedBy ??= decision;
            return decision;
        }
    }

    /// <summary>
    /// Takes an allowed input's estimate back out of the total when it provably cost nothing (HiAPI refused it, so no
    /// task exists). A submission whose outcome is unknown must not be refunded: it may have been paid for. A closed
    /// budget stays closed. Refunding the same decision twice does nothing.
    /// </summary>
    public void Refund(BudgetDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        lock (_gate)
        {
            if (!decision.Allowed || decision.Refunded)
            {
                return;
            }

            decision.Refunded = true;
            _admitted--;
            if (decision.Estimate.Usd is { } cost)
            {
                _admittedUsd -= cost;
            }
            else
            {
                _unknown--;
            }
        }
    }

    /// <summary>"$0.33 for 7 tasks", "$0.30 for 7 tasks, 2 of them of unknown cost": the estimated total so far.</summary>
    public string DescribeTotal()
    {
        lock (_gate)
        {
            var tasks = _admitted == 1 ? "1 task" : $"{_admitted} tasks";
            var total = $"{UsdFormat.Format(_admittedUsd)} for {tasks}";
            return _unknown switch
            {
                0 => total,
                _ when _unknown == _admitted => $"unknown for {tasks}: no estimate could be made",
                1 => $"{total}, 1 of them of unknown cost",
                _ => $"{total}, {_unknown} of them of unknown cost",
            };
        }
    }

    private BudgetDecision Refuse(CostEstimate estimate, int? inputNumber, HiApiErrorKind kind, string reason)
    {
        _refused++;
        return new BudgetDecision(estimate, inputNumber, false, kind, reason, _admittedUsd, MaxUsd);
    }

    private static string Describe(BudgetDecision closed)
    {
        var input = closed.InputNumber is { } number ? $"input {number}" : "an earlier input";
        return closed.Refusal == HiApiErrorKind.PriceUnknown
            ? $"{input}, whose cost could not be estimated"
            : $"{input}, whose estimate would have passed it";
    }
}
