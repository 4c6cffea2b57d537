namespace HiApi.Client;

/// <summary>
/// Whether one input may be sent under a <see cref="SpendBudget"/>, and if not, why. A refusal becomes a
/// <see cref="HiApiErrorKind.BudgetExceeded"/> error (or <see cref="HiApiErrorKind.PriceUnknown"/> when the input's own
/// cost cannot be estimated) through <see cref="ToException"/>.
/// </summary>
public sealed class BudgetDecision
{
    internal BudgetDecision(CostEstimate estimate, int? inputNumber, bool allowed, HiApiErrorKind? refusal, string? reason, decimal admittedUsd, decimal? maxUsd)
    {
        Estimate = estimate;
        InputNumber = inputNumber;
        Allowed = allowed;
        Refusal = refusal;
        Reason = reason;
        AdmittedUsd = admittedUsd;
        MaxUsd = maxUsd;
    }

    public CostEstimate Estimate { get; }

    /// <summary>The input's number, as the caller gave it (for messages about the input that closed the budget).</summary>
    public int? InputNumber { get; }

    /// <summary>True: send it; false: send nothing for this input.</summary>
    public bool Allowed { get; }

    /// <summary>The error kind of a refusal: BudgetExceeded, or PriceUnknown for an input whose cost is unknown.</summary>
    public HiApiErrorKind? Refusal { get; }

    /// <summary>Why the input was refused; null when allowed.</summary>
    public string? Reason { get; }

    /// <summary>The estimated total admitted so far, this input included when it was allowed.</summary>
    public decimal AdmittedUsd { get; }

    /// <summary>The budget; null when none is set.</summary>
    public decimal? MaxUsd { get; }

    internal bool Refunded { get; set; }

    /// <summary>The error to report for a refused input.</summary>
    public HiApiException ToException() => Allowed
        ? throw new InvalidOperationException("The input was allowed.")
        : new HiApiException(Refusal!.Value, Reason!);

    public override string ToString() => Allowed ? $"allowed: {Estimate}" : $"refused: {Reason}";
}
