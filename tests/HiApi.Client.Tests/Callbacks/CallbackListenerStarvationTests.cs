using System.Diagnostics;
using System.Net;
using Xunit.Abstractions;

namespace HiApi.Client.Tests;

/// <summary>
/// Slow junk connections must not delay real callbacks. Timings are process-wide (junk that starved the thread pool
/// would slow everything here), so these tests run alone.
/// </summary>
[Collection(NonParallelCollection.Name)]
public sealed class CallbackListenerStarvationTests(ITestOutputHelper output)
{
    private const int JunkCount = 50;
    private const int Deliveries = 30;

    /// <summary>The requirement is "well under 1 s"; the limit is that second for all but the slowest callback.</summary>
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(1);

    /// <summary>
    /// No callback at all may take this long: one delayed by junk waits for a read deadline (10 s for a head, 30 s for a
    /// body) or for the thread pool to grow, while a pause of the machine (a GC, a busy core) stays well under it.
    /// </summary>
    private static readonly TimeSpan Stalled = TimeSpan.FromSeconds(5);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FiftySlowJunkConnections_OpenedBeforeAndDuringDeliveries_DelayNoCallback(bool onlyWrongHost)
    {
        await using var endpoint = CallbackEndpoint.Create();
        // One callback first, so the figures measure the listener and not the JIT compiling it.
        using (var warmUp = await endpoint.PostAsync(ApiJson.Success("tk-hiapi-WARMUP", "https://temp.hiapi.ai/w.mp4", 1783131245)))
        {
            Assert.Equal(HttpStatusCode.OK, warmUp.StatusCode);
            await NextTaskReceiptAsync(endpoint);
        }

        await using var junk = new JunkConnections(endpoint.Url, onlyWrongHost);
        await junk.OpenAsync(JunkCount / 2);
        // Let the first half get going (heads sent, bodies trickling) before the first delivery.
        await Task.Delay(1000);

        var moreJunk = Task.Run(async () =>
        {
            for (var i = 0; i < JunkCount / 2; i++)
            {
                await junk.OpenAsync(1);
                await Task.Delay(50);
            }
        });

        var timings = new List<TimeSpan>();
        for (var i = 0; i < Deliveries; i++)
        {
            var id = $"tk-hiapi-STARVE{i:D3}";
            var clock = Stopwatch.StartNew();
            using var response = await endpoint.PostAsync(ApiJson.Success(id, $"https://temp.hiapi.ai/{id}.mp4", 1783131245));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var receipt = await NextTaskReceiptAsync(endpoint);
            clock.Stop();
            Assert.Equal(id, receipt.Task!.TaskId);
            timings.Add(clock.Elapsed);
            await Task.Delay(50);
        }

        await moreJunk;
        var sorted = timings.OrderBy(t => t).ToList();
        var p50 = sorted[sorted.Count / 2];
        var p95 = sorted[(int)Math.Ceiling(sorted.Count * 0.95) - 1];
        output.WriteLine($"{Deliveries} callbacks beside {junk.Opened} junk connections{(onlyWrongHost ? " (all with a wrong Host)" : "")}: median {p50.TotalMilliseconds:0} ms, p95 {p95.TotalMilliseconds:0} ms, max {sorted[^1].TotalMilliseconds:0} ms");
        Assert.Equal(JunkCount, junk.Opened);
        Assert.True(p95 < Limit, $"p95 of the callbacks took {p95.TotalMilliseconds:0} ms");
        Assert.All(timings, t => Assert.True(t < Stalled, $"a callback took {t.TotalMilliseconds:0} ms; p95 {p95.TotalMilliseconds:0} ms"));
    }

    /// <summary>Junk of its own may land in the receipts (a cut connection); the test waits for the task.</summary>
    private static async Task<CallbackReceipt> NextTaskReceiptAsync(CallbackEndpoint endpoint)
    {
        while (true)
        {
            var receipt = await endpoint.NextReceiptAsync();
            if (receipt.Task is not null)
            {
                return receipt;
            }
        }
    }
}
