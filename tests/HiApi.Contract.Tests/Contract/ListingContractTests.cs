using System.Net;
using HiApi.Contract.Tests.Support;

namespace HiApi.Contract.Tests.Contract;

/// <summary><c>GET /v1/tasks?page&amp;size</c>: the key's tasks newest first, each in GET's shape (no input echoed), with page, size and total.</summary>
public sealed class ListingContractTests : ContractTest
{
    [Theory]
    [MemberData(nameof(ContractServer.Names), MemberType = typeof(ContractServer))]
    public async Task Lists_newest_first_in_pages_in_the_shape_GET_returns(string serverName)
    {
        var (_, api) = await StartAsync(serverName);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await api.CreateAsync(ApiCalls.TextBody($"scene {i}"))).TaskId);
        }

        var firstPage = await api.GetAsync("v1/tasks?page=1&size=2");
        var secondPage = await api.GetAsync("v1/tasks?page=2&size=2");
        var pastTheEnd = await api.GetAsync("v1/tasks?page=9&size=2");
        var single = await api.GetAsync($"v1/tasks/{ids[2]}");

        Assert.Equal(HttpStatusCode.OK, firstPage.Status);
        Assert.Equal(["tasks", "page", "size", "total"], firstPage.Data.EnumerateObject().Select(p => p.Name));
        Assert.Equal([ids[2], ids[1]], firstPage.Data.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("taskId").GetString()));
        Assert.Equal([ids[0]], secondPage.Data.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("taskId").GetString()));
        Assert.Empty(pastTheEnd.Data.GetProperty("tasks").EnumerateArray());
        Assert.Equal(3, firstPage.Data.GetProperty("total").GetInt32());
        Assert.Equal(2, secondPage.Data.GetProperty("page").GetInt32());
        var listed = firstPage.Data.GetProperty("tasks")[0];
        Assert.Equal(single.Data.EnumerateObject().Select(p => p.Name), listed.EnumerateObject().Select(p => p.Name));
        Assert.False(listed.TryGetProperty("input", out _));
    }

    [Theory]
    [MemberData(nameof(ContractServer.Names), MemberType = typeof(ContractServer))]
    public async Task Bad_page_or_size_is_400_naming_each_problem(string serverName)
    {
        var (_, api) = await StartAsync(serverName);

        var answer = await api.GetAsync("v1/tasks?page=0&size=101");
        var notNumbers = await api.GetAsync("v1/tasks?page=one&size=");

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("invalid request: page: minimum: got 0, want 1; size: maximum: got 101, want 100", answer.Json.GetProperty("message").GetString());
        Assert.Equal("invalid request: page: value must be an integer; size: value must be an integer", notNumbers.Json.GetProperty("message").GetString());
    }
}
