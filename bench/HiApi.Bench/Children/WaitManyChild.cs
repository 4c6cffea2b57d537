using System.Collections.Concurrent;
using System.Diagnostics;
using HiApi.Bench.Hosting;
using HiApi.Bench.Measurement;
using HiApi.Bench.Scenarios;
using HiApi.Client;

namespace HiApi.Bench.Children;

/// <summary>
/// <c>child-wait</c>: submits N tasks (setup: 16 at a time, not measured), then waits on all of them at once with
/// one <see cref="TaskWaiter"/> and default <see cref="WaitOptions"/> (5 s polls, 16 in flight) until every task
/// has ended, sampling the peak working set of the wait. Nothing is downloaded: this row is about waiting.
/// </summary>
internal static class WaitManyChild
{
    public const string Command = "child-wait";
    private const int SubmitConcurrency = 16;

    public static async Task<int> RunAsync(ChildArguments args)
    {
        var count = args.Int("tasks");
        var client = ModuleClients.FromEnvironment(args.Text("base"));

        var submitted = new ConcurrentBag<HiApiTask>();
        var submitClock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, count),
            new ParallelOptions { MaxDegreeOfParallelism = SubmitConcurrency },
            async (i, ct) => submitted.Add(await client.CreateTaskAsync(ModuleClients.ClipRequest(i), ct: ct)));
        submitClock.Stop();
        var tasks = submitted.OrderBy(task => task.SubmittedAt).ToArray();
        submitted.Clear();

        var peakBeforeWait = MemoryProbe.ReadStatusBytes("VmHWM") ?? MemoryProbe.CurrentWorkingSet();
        var requestsBeforeWait = client.RequestCount;
        GC.Collect();
        var before = MemoryProbe.CurrentWorkingSet();
        using var probe = MemoryProbe.Start(TimeSpan.FromMilliseconds(20));

        var waitClock = Stopwatch.StartNew();
        int succeeded = 0, other = 0;
        long managedHeap = 0;
        await using (var waiter = new TaskWaiter(client, new WaitOptions()))
        {
            foreach (var task in tasks)
            {
                waiter.Add(task);
            }

            tasks = Array.Empty<HiApiTask>(); // from here on only the waiter holds them
            waiter.CompleteAdding();
            managedHeap = GC.GetTotalMemory(forceFullCollection: false);
            while (await waiter.ReadAsync(CancellationToken.None) is { } waitEvent)
            {
                if (waitEvent.Kind == WaitEventKind.Succeeded)
                {
                    succeeded++;
                }
                else
                {
                    other++;
                }

                if (succeeded + other == 1)
                {
                    managedHeap = Math.Max(managedHeap, GC.GetTotalMemory(forceFullCollection: false));
                }
            }
        }

        waitClock.Stop();
        ChildRunner.Report(new WaitManyChildResult(
            count,
            succeeded,
            other,
            submitClock.Elapsed.TotalSeconds,
            waitClock.Elapsed.TotalSeconds,
            before,
            probe.Peak,
            peakBeforeWait,
            managedHeap,
            client.RequestCount - requestsBeforeWait,
            probe.KernelPeakReset));
        return 0;
    }
}
