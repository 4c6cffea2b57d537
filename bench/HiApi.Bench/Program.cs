using System.Runtime.InteropServices;
using HiApi.Bench.Children;
using HiApi.Bench.Cli;
using HiApi.Bench.Hosting;
using HiApi.Bench.Rows;

// dotnet run -c Release --project bench/HiApi.Bench [-- --quick | --download-mib N | ...]
// The same executable is its own child for the rows whose memory must be the module's alone (child-* commands).

if (args.Length > 0 && args[0].StartsWith("child-", StringComparison.Ordinal))
{
    var childArgs = new ChildArguments(args[1..]);
    return args[0] switch
    {
        DownloadChild.Command => await DownloadChild.RunAsync(childArgs),
        OverheadChild.Command => await OverheadChild.RunAsync(childArgs),
        WaitManyChild.Command => await WaitManyChild.RunAsync(childArgs),
        _ => throw new ArgumentException($"Unknown child command '{args[0]}'."),
    };
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException error)
{
    Console.Error.WriteLine(error.Message);
    return 2;
}

using var cancellation = new CancellationTokenSource();

// Ctrl+C, and SIGTERM from whoever runs the harness (CI, build.ps1 being stopped): let the finally blocks run (they
// kill the emulator and the children) instead of dying on the spot and leaving an emulator behind.
void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    BenchContext.Say($"{context.Signal}: stopping...");
    cancellation.Cancel();
}

using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var onHangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Stop);

try
{
    return await BenchRun.RunAsync(options, cancellation.Token);
}
catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
{
    Console.Error.WriteLine("Cancelled; no table written.");
    return 130;
}
catch (Exception error)
{
    Console.Error.WriteLine($"The benchmark failed; no table written.{Environment.NewLine}{error}");
    return 1;
}
finally
{
    ChildProcesses.KillAll();
}
