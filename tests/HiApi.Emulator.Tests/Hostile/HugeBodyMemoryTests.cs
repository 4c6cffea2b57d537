using System.Diagnostics;
using System.Net.Http.Headers;
using HiApi.Emulator.Tests.Support;
using Xunit.Abstractions;

namespace HiApi.Emulator.Tests.Hostile;

/// <summary>A 2 GiB answer is streamed: read whole, it costs the process a small fraction of its size in allocations.</summary>
[Collection(SerialCollection.Name)]
public sealed class HugeBodyMemoryTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Two_GiB_are_streamed_without_the_emulator_building_them()
    {
        const long size = 2L * 1024 * 1024 * 1024 + 1;   // past int.MaxValue on purpose
        await using var server = await EmulatorServer.StartAsync(FastOptions.Create());
        using var client = new EmulatorClient(server, timeout: TimeSpan.FromMinutes(5));
        var taskId = (await client.CreateTextTaskAsync()).TaskId;
        server.Options.HugeBodyBytes = size;

        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/tasks/{taskId}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestKeys.AllModels);
        using var response = await client.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[1024 * 1024];
        long received = 0;
        byte first = 0, last = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            if (received == 0)
            {
                first = buffer[0];
            }
            last = buffer[read - 1];
            received += read;
        }
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        output.WriteLine($"{received} bytes in {watch.Elapsed.TotalSeconds:0.0} s; {allocated / 1024 / 1024} MiB allocated by the process");

        Assert.Equal(size, response.Content.Headers.ContentLength);
        Assert.Equal(size, received);
        Assert.Equal((byte)'{', first);
        Assert.Equal((byte)'}', last);
        // Building the answer would allocate at least its 2 GiB; streaming from one buffer allocates only the small
        // per-write bookkeeping of client and server (measured: 28 MiB for the whole run).
        Assert.True(allocated < size / 16, $"{allocated} bytes allocated");
    }
}
