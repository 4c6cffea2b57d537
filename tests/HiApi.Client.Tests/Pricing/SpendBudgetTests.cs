namespace HiApi.Client.Tests;

/// <summary>The local budget: inputs in order, the first refusal closes it, unknown costs fail closed.</summary>
public sealed class SpendBudgetTests
{
    /// <summary>A known estimate of <paramref name="usd"/>: one second at that price.</summary>
    private static CostEstimate Cost(decimal usd)
    {
        var price = usd.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var estimate = PriceEstimator.For(PriceRows.OneRow(PriceRows.TextRow($"\"factors\":[\"duration\"],\"base_usd_value\":{price}"))).Estimate(PriceRows.Request(1));
        Assert.Equal(usd, estimate.Usd);
        return estimate;
    }

    private static readonly CostEstimate UnknownCost = CostEstimate.Unknown(PriceRows.Text, null, "the request has no duration");

    [Fact]
    public void Without_a_budget_everything_is_allowed_and_the_estimates_add_up()
    {
        var budget = new SpendBudget(null);

        Assert.True(budget.Admit(Cost(0.30m)).Allowed);
        Assert.True(budget.Admit(UnknownCost).Allowed);
        Assert.True(budget.Admit(Cost(0.75m)).Allowed);

        Assert.False(budget.IsEnforced);
        Assert.Equal(1.05m, budget.AdmittedUsd);
        Assert.Equal(3, budget.AdmittedCount);
        Assert.Equal(1, budget.UnknownCount);
        Assert.Equal("$1.05 for 3 tasks, 1 of them of unknown cost", budget.DescribeTotal());
    }

    [Fact]
    public void The_total_may_reach_the_budget_but_not_pass_it_and_nothing_after_the_first_refusal_is_sent()
    {
        var budget = new SpendBudget(0.50m);

        var first = budget.Admit(Cost(0.30m), 1);
        var exactlyToTheBudget = budget.Admit(Cost(0.20m), 2);
        var crossing = budget.Admit(Cost(0.01m), 3);
        var cheapAfter = budget.Admit(Cost(0.01m), 4);

        Assert.True(first.Allowed);
        Assert.True(exactlyToTheBudget.Allowed);
        Assert.Equal(0.50m, exactlyToTheBudget.AdmittedUsd);
        Assert.False(crossing.Allowed);
        Assert.Equal(HiApiErrorKind.BudgetExceeded, crossing.Refusal);
        Assert.Equal(
            "Not sent: its estimated $0.01 would take the total to $0.51, past the budget of $0.50 ($0.50 estimated for what was sent); " +
            "nothing after it is sent either. The budget is enforced locally, not by HiAPI.",
            crossing.Reason);
        Assert.False(cheapAfter.Allowed);
        Assert.Equal(HiApiErrorKind.BudgetExceeded, cheapAfter.ToException().Kind);
        Assert.Contains("closed at input 3, whose estimate would have passed it", cheapAfter.Reason);
        Assert.Same(crossing, budget.ClosedBy);
        Assert.Equal(0.50m, budget.AdmittedUsd);
        Assert.Equal(2, budget.AdmittedCount);
        Assert.Equal(2, budget.RefusedCount);
    }

    [Fact]
    public void With_a_budget_an_input_of_unknown_cost_is_refused_and_closes_it()
    {
        var budget = new SpendBudget(10m);

        var unknown = budget.Admit(UnknownCost, 1);
        var after = budget.Admit(Cost(0.01m), 2);

        Assert.False(unknown.Allowed);
        Assert.Equal(HiApiErrorKind.PriceUnknown, unknown.Refusal);
        Assert.Equal(HiApiErrorKind.PriceUnknown, unknown.ToException().Kind);
        Assert.Contains("cannot be estimated (the request has no duration), and with a budget nothing of unknown cost is sent", unknown.Reason);
        Assert.False(after.Allowed);
        Assert.Contains("closed at input 1, whose cost could not be estimated", after.Reason);
        Assert.Equal(0m, budget.AdmittedUsd);
    }

    [Fact]
    public void A_budget_of_zero_sends_nothing_that_costs()
    {
        var budget = new SpendBudget(0m);
        Assert.False(budget.Admit(Cost(0.01m)).Allowed);
        Assert.Contains("closed at an earlier input", budget.Admit(Cost(0.01m)).Reason);
    }

    [Fact]
    public void A_refund_takes_a_refused_submission_out_of_the_total_once_and_never_reopens_a_closed_budget()
    {
        var budget = new SpendBudget(0.50m);
        var sent = budget.Admit(Cost(0.40m), 1);
        Assert.False(budget.Admit(Cost(0.20m), 2).Allowed);

        budget.Refund(sent);
        budget.Refund(sent);

        Assert.Equal(0m, budget.AdmittedUsd);
        Assert.Equal(0, budget.AdmittedCount);
        Assert.False(budget.Admit(Cost(0.01m), 3).Allowed);
    }

    [Fact]
    public void Concurrent_admissions_never_take_the_total_past_the_budget()
    {
        var budget = new SpendBudget(1.00m);
        var decisions = new System.Collections.Concurrent.ConcurrentBag<BudgetDecision>();
        Parallel.For(0, 400, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => decisions.Add(budget.Admit(Cost(0.01m), i)));

        Assert.Equal(100, decisions.Count(d => d.Allowed));
        Assert.Equal(1.00m, budget.AdmittedUsd);
        Assert.Equal(300, budget.RefusedCount);
    }

    [Theory]
    [InlineData(null, "2.50", "2.50")]
    [InlineData("1.25", "2.50", "1.25")]
    [InlineData(null, " 0.5 ", "0.5")]
    [InlineData("0", null, "0")]
    public void The_parameter_wins_then_HIAPI_MAX_COST_USD(string? parameter, string? environment, string expected)
    {
        var budget = SpendBudget.Resolve(parameter is null ? null : decimal.Parse(parameter, System.Globalization.CultureInfo.InvariantCulture),
            name => name == SpendBudget.EnvironmentVariable ? environment : null);
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), budget.MaxUsd);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")] // what Windows makes of a variable set to '': unset
    public void No_parameter_and_no_variable_is_no_budget(string? environment)
    {
        Assert.Null(SpendBudget.Resolve(null, _ => environment).MaxUsd);
    }

    [Theory]
    [InlineData("   ")]
    [InlineData("\t")]
    public void A_variable_of_white_space_only_is_a_configuration_error_never_no_budget(string environment)
    {
        var error = Assert.Throws<HiApiException>(() => SpendBudget.Resolve(null, _ => environment));
        Assert.Equal(HiApiErrorKind.Configuration, error.Kind);
        Assert.StartsWith("HIAPI_MAX_COST_USD is set but holds only white space", error.Message);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("1,5")]
    [InlineData("1e2")]
    [InlineData("$2")]
    [InlineData("1,000")]
    [InlineData("0.05 USD")]
    [InlineData("\u0661")] // an Arabic-Indic one: digits are ASCII only
    public void A_variable_that_is_not_an_amount_is_a_configuration_error_never_no_budget(string environment)
    {
        var error = Assert.Throws<HiApiException>(() => SpendBudget.Resolve(null, _ => environment));
        Assert.Equal(HiApiErrorKind.Configuration, error.Kind);
        Assert.StartsWith($"HIAPI_MAX_COST_USD is '{environment}', not an amount in USD", error.Message);
    }

    [Fact]
    public void A_negative_budget_is_refused()
    {
        Assert.Equal(HiApiErrorKind.Configuration, Assert.Throws<HiApiException>(() => SpendBudget.Resolve(-0.01m)).Kind);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpendBudget(-1m));
    }
}
