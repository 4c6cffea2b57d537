using System.Net;
using HiApi.Emulator.Tests.Support;

namespace HiApi.Emulator.Tests.Billing;

/// <summary>
/// Seed 000: "The API estimates the upper bound of the task cost — duration × per-second price — and reserves it
/// up-front. If your balance can't cover that estimate, you get 402 immediately ... only the actual cost is charged on success."
/// </summary>
public sealed class BalanceTests : EmulatorTestBase
{
    [Fact]
    public async Task Estimate_above_the_balance_is_a_402_with_the_envelope()
    {
        var response = await Client.CreateTextTaskAsync(duration: 6, key: TestKeys.LowBalance);

        Assert.Equal(HttpStatusCode.PaymentRequired, response.Status);
        Assert.Equal(
            """{"code":402,"data":null,"error_code":"INSUFFICIENT_BALANCE","message":"insufficient balance: estimated cost 0.06 exceeds available balance 0.05"}""",
            response.Body);
        Assert.Empty(Server.Tasks);
        Assert.Equal(0.05m, Server.GetBalance(TestKeys.LowBalance));
    }

    [Fact]
    public async Task Missing_duration_is_estimated_at_five_seconds()
    {
        var fits = await Client.CreateTextTaskAsync(duration: null, key: TestKeys.LowBalance);
        var second = await Client.CreateTextTaskAsync(duration: null, key: TestKeys.LowBalance);

        Assert.Equal(HttpStatusCode.OK, fits.Status);
        Assert.Equal(HttpStatusCode.PaymentRequired, second.Status);
        Assert.Equal("insufficient balance: estimated cost 0.05 exceeds available balance 0", second.Message);
    }

    [Fact]
    public async Task Success_deducts_the_cost()
    {
        var created = await Client.CreateTextTaskAsync(duration: 3, key: TestKeys.LowBalance);

        var final = await Client.WaitForTerminalAsync(created.TaskId, TestKeys.LowBalance);

        Assert.Equal(HttpStatusCode.OK, created.Status);
        Assert.Equal("success", final.TaskStatus);
        Assert.Equal(0.02m, Server.GetBalance(TestKeys.LowBalance));
    }

    [Fact]
    public async Task A_running_task_reserves_its_estimate()
    {
        Server.Options.HandlingMs = 60_000;   // keeps the first task running for the whole test
        var first = await Client.CreateTextTaskAsync(duration: 3, key: TestKeys.LowBalance);

        var second = await Client.CreateTextTaskAsync(duration: 3, key: TestKeys.LowBalance);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.PaymentRequired, second.Status);
        Assert.Equal("insufficient balance: estimated cost 0.03 exceeds available balance 0.02", second.Message);
        Assert.Equal(0.05m, Server.GetBalance(TestKeys.LowBalance));
    }

    [Fact]
    public async Task A_failed_task_costs_nothing_and_releases_its_reservation()
    {
        var created = await Client.CreateTextTaskAsync(prompt: "a wave [[fail]]", duration: 5, key: TestKeys.LowBalance);

        var final = await Client.WaitForTerminalAsync(created.TaskId, TestKeys.LowBalance);
        var afterwards = await Client.CreateTextTaskAsync(duration: 5, key: TestKeys.LowBalance);

        Assert.Equal("fail", final.TaskStatus);
        Assert.Equal(0.05m, Server.GetBalance(TestKeys.LowBalance));
        Assert.Equal(HttpStatusCode.OK, afterwards.Status);
    }

    [Fact]
    public async Task Price_per_second_is_configurable()
    {
        Server.Options.PricePerSecond = 0.02m;

        var response = await Client.CreateTextTaskAsync(duration: 3, key: TestKeys.LowBalance);

        Assert.Equal(HttpStatusCode.PaymentRequired, response.Status);
        Assert.Equal("insufficient balance: estimated cost 0.06 exceeds available balance 0.05", response.Message);
    }

    [Fact]
    public void Unlimited_and_unknown_keys()
    {
        Assert.Equal(decimal.MaxValue, Server.GetBalance(TestKeys.AllModels));
        var error = Assert.Throws<KeyNotFoundException>(() => Server.GetBalance("sk-secret-value"));
        Assert.DoesNotContain("sk-secret-value", error.Message);
    }
}
