using System.Net;
using HiApi.Contract.Tests.Support;

namespace HiApi.Contract.Tests.Contract;

/// <summary>402 when the balance cannot cover the estimate (duration x price, reserved up front); 429 with Retry-After.</summary>
public sealed class BillingContractTests : ContractTest
{
    [Theory]
    [MemberData(nameof(ContractServer.Names), MemberType = typeof(ContractServer))]
    public async Task A_create_the_balance_cannot_cover_is_402_and_makes_nothing(string serverName)
    {
        var (server, api) = await StartAsync(serverName, new ContractSettings { Balance = 0.05m, RenderMs = 60_000 });

        var fits = await api.CreateAsync(ApiCalls.TextBody(duration: 3));
        var tooDear = await api.CreateAsync(ApiCalls.TextBody(duration: 3));

        Assert.Equal(HttpStatusCode.OK, fits.Status);
        Assert.Equal(HttpStatusCode.PaymentRequired, tooDear.Status);
        // 0.03 is reserved by the running task: 0.02 is left.
        Assert.Equal(
            """{"code":402,"data":null,"error_code":"INSUFFICIENT_BALANCE","message":"insufficient balance: estimated cost 0.03 exceeds available balance 0.02"}""",
            tooDear.Body);
        Assert.Equal([fits.TaskId], server.TaskIds);
    }

    [Theory]
    [MemberData(nameof(ContractServer.Names), MemberType = typeof(ContractServer))]
    public async Task A_rate_limited_create_is_429_with_Retry_After_and_makes_nothing(string serverName)
    {
        var (server, api) = await StartAsync(serverName);
        server.RefuseNextCreateWith429();

        var limited = await api.CreateAsync(ApiCalls.TextBody());
        server.StopRefusing();
        var later = await api.CreateAsync(ApiCalls.TextBody());

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.Status);
        Assert.Equal("""{"code":429,"data":null,"error_code":"RATE_LIMITED","message":"rate limit exceeded"}""", limited.Body);
        Assert.Equal("1", limited.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, later.Status);
        Assert.Equal([later.TaskId], server.TaskIds);
    }
}
