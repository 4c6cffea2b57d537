using System.Diagnostics;
using System.Net;
using System.Text;
using HiApi.Emulator.Tests.Support;

namespace HiApi.Emulator.Tests.Network;

/// <summary><c>LatencyMs</c>: a round trip added before every API answer, errors included, and before a download's first byte.</summary>
public sealed class LatencyTests : EmulatorTestBase
{
    private const int LatencyMs = 400;

    private static async Task<(T Result, TimeSpan Took)> TimeAsync<T>(Func<Task<T>> call)
    {
        var watch = Stopwatch.StartNew();
        var result = await call();
        return (result, watch.Elapsed);
    }

    private static void AssertDelayed(TimeSpan took, string what)
    {
        // Generous upper bound: other builds share the machine.
        Assert.True(took >= TimeSpan.FromMilliseconds(LatencyMs - 10), $"{what} took {took.TotalMilliseconds:0} ms, less than the latency");
        Assert.True(took < TimeSpan.FromSeconds(8), $"{what} took {took.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task Latency_set_through_config_delays_answers_of_every_kind()
    {
        var (url, _) = await Downloads.FinishedOutputAsync(Client);
        using var put = await Client.Http.PutAsync("_emulator/config",
            new StringContent($$"""{"latencyMs":{{LatencyMs}}}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var (created, createTook) = await TimeAsync(() => Client.CreateTextTaskAsync());
        var (unauthorized, unauthorizedTook) = await TimeAsync(() => Client.CreateTextTaskAsync(key: null));
        var (notFound, notFoundTook) = await TimeAsync(() => Client.GetTaskAsync("tk-hiapi-01KW23VDG2EZ20J7RQH8S67MNC"));
        var (listed, listTook) = await TimeAsync(() => Client.SendAsync(HttpMethod.Get, "v1/tasks", TestKeys.AllModels, null));
        var (download, firstByteTook) = await TimeAsync(() => Downloads.GetAsync(Client, url));
        using (download)
        {
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, created.Status);
        AssertDelayed(createTook, "create");
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.Status);
        AssertDelayed(unauthorizedTook, "401");
        Assert.Equal(HttpStatusCode.NotFound, notFound.Status);
        AssertDelayed(notFoundTook, "404");
        Assert.Equal(HttpStatusCode.OK, listed.Status);
        AssertDelayed(listTook, "list");
        AssertDelayed(firstByteTook, "download headers");
    }

    [Fact]
    public async Task Control_endpoints_are_not_delayed()
    {
        Server.Options.LatencyMs = 60_000;

        var (response, took) = await TimeAsync(() => Client.Http.GetAsync("_emulator/stats"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(took < TimeSpan.FromSeconds(20), $"took {took.TotalMilliseconds:0} ms");
    }
}
