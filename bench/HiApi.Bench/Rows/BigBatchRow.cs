using System.Globalization;
using HiApi.Bench.Children;
using HiApi.Bench.Hosting;
using HiApi.Bench.Measurement;
using HiApi.Bench.Reporting;

namespace HiApi.Bench.Rows;

/// <summary>Row 6: the peak working set of a process waiting on thousands of tasks at once.</summary>
internal static class BigBatchRow
{
    private const long Limit = 200L * 1024 * 1024;
    private static readonly TimeSpan LongRender = TimeSpan.FromSeconds(30);

    public static async Task<RowGroup> RunAsync(BenchContext context)
    {
        var emulator = context.Emulator;
        var ct = context.Cancellation;
        var count = context.Options.WaitTasks;

        // The same process with one task: what the runtime, HttpClient and the waiter cost before any scale.
        await emulator.ConfigureAsync(EmulatorSettings.RenderTime(BatchRows.RenderTime) with { RateLimitRequests = 0 }, ct);
        BenchContext.Say("Row 6 baseline: the same child waiting on 1 task...");
        var single = await RunChildAsync(emulator, 1, ct);

        await emulator.ConfigureAsync(EmulatorSettings.RenderTime(LongRender) with { RateLimitRequests = 0, RecordRequests = false }, ct);
        BenchContext.Say($"Row 6: {count} tasks, {LongRender.TotalSeconds:0} s render, waited on at once (about {LongRender.TotalSeconds + 15:0} s)...");
        var many = await RunChildAsync(emulator, count, ct);
        await emulator.ConfigureAsync(new EmulatorSettings { RecordRequests = true }, ct);

        var perTask = (double)(many.PeakWhileWaiting - single.PeakWhileWaiting) / count;
        var rows = new List<ResultRow>
        {
            new("6",
                $"Memory, big batch: peak working set while waiting on {count:N0} tasks at once",
                $"{Units.Mebibytes(many.PeakWhileWaiting)} ({Units.F("{0:0.0}", perTask / 1024)} KiB per task above the 1-task process; submission phase peak {Units.Mebibytes(many.PeakBeforeWait)})",
                $"same process, 1 task: {Units.Mebibytes(single.PeakWhileWaiting)}",
                $"target < {Units.Mebibytes(Limit)}",
                many.Succeeded == count && many.PeakWhileWaiting < Limit),
        };

        var notes = new List<string>
        {
            $"Row 6: a child process submits {count:N0} tasks ({LongRender.TotalSeconds:0} s render; setup, 16 at a time, not timed), then one `TaskWaiter` with default `WaitOptions` " +
            $"(5 s polls, at most 16 GETs in flight) waits on all of them **until every task has ended** ({many.Succeeded:N0} succeeded, {many.Other} other, " +
            $"{Units.Seconds(TimeSpan.FromSeconds(many.WaitSeconds))} of waiting, {Units.Number(many.GetsPerTask, "0.0")} GETs per task). No downloads, no ledger: this row is the wait. " +
            "The peak is the kernel's `VmHWM`, reset when the wait starts, backed by 20 ms sampling; the baseline is the same child with 1 task. " +
            $"Managed heap while waiting: {Units.Mebibytes(many.ManagedHeapWhileWaiting)} (the rest of the working set is the runtime, code and GC headroom).",
        };
        return new RowGroup(rows, notes);
    }

    private static Task<WaitManyChildResult> RunChildAsync(EmulatorProcess emulator, int count, CancellationToken ct) =>
        ChildRunner.RunAsync<WaitManyChildResult>(
            WaitManyChild.Command,
            new[] { "--base", emulator.BaseAddress.ToString(), "--tasks", count.ToString(CultureInfo.InvariantCulture) },
            TimeSpan.FromMinutes(10),
            ct);
}
