namespace HiApi.Client.Tests;

/// <summary>Read once per API root and kept for the session (an hour), refreshable; a failure is never kept.</summary>
public sealed class PriceListCacheTests
{
    private static PriceListClient Client(FakeHttpHandler handler, string baseUri = "https://api.example.test/") => new(new HiApiClientOptions
    {
        BaseUri = new Uri(baseUri),
        RetryPolicy = RetryPolicy.None,
        RequestGate = new ApiRequestGate(),
    }, handler);

    private static FakeHttpHandler Rows() => new((_, _) => FakeHttpHandler.Json(200, PriceRows.Default));

    [Fact]
    public async Task The_list_is_read_once_then_kept_until_refresh()
    {
        var handler = Rows();
        var cache = new PriceListCache();

        var first = await cache.GetAsync(Client(handler));
        var second = await cache.GetAsync(Client(handler));
        var refreshed = await cache.GetAsync(Client(handler), refresh: true);
        var afterRefresh = await cache.GetAsync(Client(handler));

        Assert.Same(first, second);
        Assert.NotSame(first, refreshed);
        Assert.Same(refreshed, afterRefresh);
        Assert.Equal(2, handler.Count);
    }

    [Fact]
    public async Task A_kept_list_is_read_again_after_its_lifetime()
    {
        var clock = new ManualTimeProvider(PriceRows.ReadAt);
        var handler = Rows();
        var cache = new PriceListCache(TimeSpan.FromHours(1), clock);

        await cache.GetAsync(Client(handler));
        clock.Advance(TimeSpan.FromMinutes(59));
        await cache.GetAsync(Client(handler));
        Assert.Equal(1, handler.Count);

        clock.Advance(TimeSpan.FromMinutes(1));
        await cache.GetAsync(Client(handler));
        Assert.Equal(2, handler.Count);
    }

    [Fact]
    public async Task Each_api_root_has_its_own_list()
    {
        var handler = Rows();
        var cache = new PriceListCache();

        await cache.GetAsync(Client(handler, "https://api.example.test/"));
        await cache.GetAsync(Client(handler, "https://other.example.test/"));
        await cache.GetAsync(Client(handler, "https://API.example.test/"));

        Assert.Equal(2, handler.Count);
    }

    [Fact]
    public async Task A_list_that_could_not_be_read_is_not_kept()
    {
        var handler = FakeHttpHandler.Sequence(
            () => FakeHttpHandler.Json(404, """{"code":404,"message":"no"}"""),
            () => FakeHttpHandler.Json(200, PriceRows.Default));
        var cache = new PriceListCache();

        await Assert.ThrowsAsync<HiApiException>(() => cache.GetAsync(Client(handler)));
        var list = await cache.GetAsync(Client(handler));

        Assert.Equal(2, list.Models.Count);
        Assert.Equal(2, handler.Count);
    }
}
