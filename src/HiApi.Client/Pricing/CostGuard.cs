namespace HiApi.Client;

/// <summary>
/// The costs of one run of New-HiApiVideoTask: each input's estimate from HiAPI's public price list (read once, when the
/// first input needs it), and the run's <see cref="SpendBudget"/>. A price list that cannot be read leaves every estimate
/// unknown, with the reason: without a budget the run goes on (and says so once), with one nothing is sent (fail closed).
/// </summary>
public sealed class CostGuard
{
    private readonly Func<CancellationToken, Task<PriceList>> _loadPrices;
    private readonly SemaphoreSlim _loading = new(1, 1);
    private PriceEstimator? _estimator;

    /// <param name="budget">The run's budget (possibly none).</param>
    /// <param name="loadPrices">Reads the price list (a cache's, usually); called at most once, when first needed.</param>
    public CostGuard(SpendBudget budget, Func<CancellationToken, Task<PriceList>> loadPrices)
    {
        Budget = budget ?? throw new ArgumentNullException(nameof(budget));
        _loadPrices = loadPrices ?? throw new ArgumentNullException(nameof(loadPrices));
    }

    public SpendBudget Budget { get; }

    /// <summary>Why there are no estimates: the price list's error, once it was tried and failed; null otherwise.</summary>
    public HiApiException? PriceListError { get; private set; }

    /// <summary>The estimate of <paramref name="request"/>; never throws for a price it cannot know (the estimate is unknown).</summary>
    public async Task<CostEstimate> EstimateAsync(VideoRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_estimator is null)
        {
            await _loading.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                if (_estimator is null)
                {
                    try
                    {
                        _estimator = PriceEstimator.For(await _loadPrices(ct).ConfigureAwait(false));
                    }
                    catch (HiApiException unreadable)
                    {
                        PriceListError = unreadable;
                        _estimator = PriceEstimator.Unavailable(unreadable);
                    }
                }
            }
            finally
            {
                _loading.Release();
            }
        }

        return _estimator.Estimate(request);
    }

    /// <summary>Whether the input may be sent (see <see cref="SpendBudget.Admit"/>).</summary>
    public BudgetDecision Admit(CostEstimate estimate, int? inputNumber) => Budget.Admit(estimate, inputNumber);

    /// <summary>Takes back an input that provably cost nothing (refused by HiAPI, or not sent after all).</summary>
    public void Refund(BudgetDecision decision) => Budget.Refund(decision);

    /// <summary>The estimated total so far, for a -WhatIf summary or a verbose line; says when it is partly unknown.</summary>
    public string DescribeTotal() =>
        $"{Budget.DescribeTotal()} (HiAPI's public prices before any account discount: an estimate, not the bill)" +
        (Budget.MaxUsd is { } max ? $"; budget {UsdFormat.Format(max)}, enforced locally, not by HiAPI" : string.Empty);
}
