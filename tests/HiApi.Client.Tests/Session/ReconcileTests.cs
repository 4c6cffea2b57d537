using HiApi.Client.Tests.Ledger;

namespace HiApi.Client.Tests;

/// <summary>A reconcile never stops in silence, and a listing of the wrong shape is said to be one (issue 16).</summary>
public sealed class ReconcileTests : IDisposable
{
    private readonly LedgerTestFolder folder = new();

    public void Dispose() => folder.Dispose();

    private static string Page(int page, int size)
    {
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60;
        var tasks = Enumerable.Range(0, size).Select(i => $"{{\"taskId\":\"tk-{page}-{i}\",\"status\":\"success\",\"created\":{created}}}");
        return $"{{\"code\":200,\"data\":{{\"page\":{page},\"size\":{size},\"total\":1000000,\"tasks\":[{string.Join(",", tasks)}]}}}}";
    }

    [Fact]
    public async Task A_listing_longer_than_the_page_cap_says_where_it_stopped()
    {
        var handler = new FakeHttpHandler((request, index) => FakeHttpHandler.Json(200, Page(index + 1, 3)));
        var warnings = new List<string>();
        var session = new HiApiSession(TestClients.Create(handler), new TaskLedger(folder.LedgerPath), warn: warnings.Add);

        var found = await session.ReconcileAsync(DateTimeOffset.UtcNow.AddDays(-1), pageSize: 3);

        Assert.Equal(300, found.Count);
        Assert.Equal(100, handler.Count);
        var warning = Assert.Single(warnings);
        Assert.StartsWith("Reconcile stopped after 100 pages (300 tasks listed, 300 of them new to the ledger and recorded)", warning);
        Assert.Contains("were not looked at", warning);
    }

    [Theory]
    [InlineData("""{"code":200,"data":{"items":[]}}""", "JSON of an unexpected shape: an object without a \"tasks\" list")]
    [InlineData("""{"code":200,"data":{"tasks":{"a":1}}}""", "its list of tasks is object, not an array")]
    [InlineData("<html><title>Maintenance</title></html>", "a non-JSON body: Maintenance")]
    public async Task A_listing_of_the_wrong_shape_is_said_to_be_one_not_to_be_json(string body, string said)
    {
        var client = TestClients.Create(FakeHttpHandler.Sequence(() => FakeHttpHandler.Json(200, body)));

        var error = await Assert.ThrowsAsync<HiApiException>(() => client.ListTasksAsync());

        Assert.Equal(HiApiErrorKind.InvalidResponse, error.Kind);
        Assert.Contains(said, error.Message);
    }
}
