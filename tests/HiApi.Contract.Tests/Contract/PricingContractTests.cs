using System.Net;
using System.Text;
using HiApi.Client;
using HiApi.Contract.Tests.Support;

namespace HiApi.Contract.Tests.Contract;

/// <summary>
/// <c>GET /api/pricing</c>: public (no key needed, none required), in HiAPI's row format, read by the module's own parser,
/// with the same default prices on both servers, which bill what they list.
/// </summary>
public sealed class PricingContractTests : ContractTest
{
    [Theory]
    [MemberData(nameof(ContractServer.Names), MemberType = typeof(ContractServer))]
    public async Task The_price_list_needs_no_key_and_prices_both_models_as_the_module_reads_it(string serverName)
    {
        var (_, api) = await StartAsync(serverName);

        var answer = await api.GetAsync("api/pricing", key: null);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var list = PriceList.Parse(Encoding.UTF8.GetBytes(answer.Body), new Uri("http://127.0.0.1/api/pricing"), DateTimeOffset.UtcNow);
        var estimator = PriceEstimator.For(list);
        Assert.Equal(0.03m, estimator.Estimate(new VideoRequest { Prompt = "p", Duration = 3, Resolution = "720p" }).Usd);
        Assert.Equal(0.075m, estimator.Estimate(new VideoRequest { Prompt = "p", Duration = 5, Resolution = "1080p" }).Usd);
        Assert.Equal(0.05m, estimator.Estimate(new VideoRequest
        {
            Model = "happyhorse-1.1/image-to-video",
            ImageUrl = "https://example.com/still.jpg",
            Duration = 5,
        }).Usd);
    }

    [Theory]
    [MemberData(nameof(ContractServer.Names), MemberType = typeof(ContractServer))]
    public async Task A_1080p_create_reserves_what_the_price_list_says(string serverName)
    {
        // 0.07 of balance: 5 s at 1080p is 0.075 by the list (refused), 4 s at 1080p is 0.06 (accepted).
        var (_, api) = await StartAsync(serverName, new ContractSettings { Balance = 0.07m, RenderMs = 60_000 });

        var tooDear = await api.CreateAsync("""{"model":"happyhorse-1.1/text-to-video","input":{"prompt":"p","duration":5,"resolution":"1080p"}}""");
        var fits = await api.CreateAsync("""{"model":"happyhorse-1.1/text-to-video","input":{"prompt":"p","duration":4,"resolution":"1080p"}}""");

        Assert.Equal(HttpStatusCode.PaymentRequired, tooDear.Status);
        Assert.Equal(HttpStatusCode.OK, fits.Status);
    }
}
