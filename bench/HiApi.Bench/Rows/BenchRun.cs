using System.Diagnostics;
using HiApi.Bench.Cli;
using HiApi.Bench.Hosting;
using HiApi.Bench.Reporting;

namespace HiApi.Bench.Rows;

/// <summary>The parent: starts the emulator, runs every row, prints the table and writes it to the results file.</summary>
internal static class BenchRun
{
    public static async Task<int> RunAsync(BenchOptions options, CancellationToken ct)
    {
        var total = Stopwatch.StartNew();
        var loadBefore = LoadAverage.Read();
        var scratch = Directory.CreateTempSubdirectory("hiapi-bench-").FullName;
        var groups = new List<RowGroup>();
        try
        {
            BenchContext.Say($"Starting the emulator ({RepositoryLayout.Configuration} build)...");
            await using var emulator = await EmulatorProcess.StartAsync(EmulatorSettings.RenderTime(BatchRows.RenderTime), ct);
            BenchContext.Say($"Emulator at {emulator.BaseAddress} (pid {emulator.ProcessId}); scratch folder {scratch}");
            var context = new BenchContext(options, emulator, scratch, ct);

            groups.Add(await BatchRows.RunAsync(context));
            groups.Add(await DownloadRow.RunAsync(context));
            groups.Add(await OverheadRow.RunAsync(context));
            groups.Add(await BigBatchRow.RunAsync(context));
            groups.Add(await WanBatchRow.RunAsync(context));
        }
        finally
        {
            TryDelete(scratch);
        }

        total.Stop();
        var command = "dotnet run -c Release --project bench/HiApi.Bench" + (options.Arguments.Count > 0 ? " -- " + string.Join(' ', options.Arguments) : "");
        var report = MarkdownReport.Render(MachineInfo.Collect(RepositoryLayout.Root), command, total.Elapsed, loadBefore, LoadAverage.Read(), groups);
        Console.Out.Write(report);

        var output = RepositoryLayout.Resolve(options.OutputPath);
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        var temporary = output + ".tmp";
        await File.WriteAllTextAsync(temporary, report, CancellationToken.None);
        File.Move(temporary, output, overwrite: true);
        BenchContext.Say($"Written to {output}");
        if (options.IsIssueDefault && ReadmeUpdater.TryUpdate(Path.Combine(RepositoryLayout.Root, "bench", "README.md"), report))
        {
            BenchContext.Say("bench/README.md now shows this table.");
        }

        var missed = groups.SelectMany(group => group.Rows).Count(row => row.Pass == false);
        BenchContext.Say(missed == 0 ? "Every target met." : $"{missed} target(s) missed; see the notes.");
        // The table is the result; a missed target is a finding, not a harness failure.
        return 0;
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            BenchContext.Say($"Could not delete {folder}: {ex.Message}");
        }
    }
}
