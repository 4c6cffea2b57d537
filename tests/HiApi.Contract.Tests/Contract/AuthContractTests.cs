using System.Net;
using HiApi.Contract.Tests.Support;

namespace HiApi.Contract.Tests.Contract;

/// <summary>Every API route refuses a missing, malformed or unknown key with the seed's 401 body, verbatim, and makes nothing.</summary>
public sealed class AuthContractTests : ContractTest
{
    private const string PermissionDenied =
        """{"error":{"code":"permission_denied","message":"This API key cannot use the selected model...","type":"hiapi_error"}}""";

    public static TheoryData<string, string?> Keys()
    {
        var data = new TheoryData<string, string?>();
        foreach (var server in ContractServer.All)
        {
            data.Add(server, null);
            data.Add(server, "sk-not-a-key-of-this-server");
            data.Add(server, "");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public async Task Create_read_and_list_answer_401_in_the_seeds_shape(string serverName, string? key)
    {
        var (server, api) = await StartAsync(serverName);
        var made = await api.CreateAsync(ApiCalls.TextBody());

        var create = await api.CreateAsync(ApiCalls.TextBody(), key);
        var read = await api.GetAsync($"v1/tasks/{made.TaskId}", key);
        var list = await api.GetAsync("v1/tasks?page=1&size=1", key);

        foreach (var answer in new[] { create, read, list })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
            Assert.Equal(PermissionDenied, answer.Body);
        }

        Assert.Single(server.TaskIds);
    }
}
