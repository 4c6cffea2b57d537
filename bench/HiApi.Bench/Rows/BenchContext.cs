using HiApi.Bench.Cli;
using HiApi.Bench.Hosting;

namespace HiApi.Bench.Rows;

/// <summary>What every row needs: the sizes, the running emulator, a scratch folder and the way to stop.</summary>
internal sealed record BenchContext(BenchOptions Options, EmulatorProcess Emulator, string Scratch, CancellationToken Cancellation)
{
    /// <summary>Progress goes to stderr so that stdout carries only the table.</summary>
    public static void Say(string line) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");

    public string NewFolder(string name)
    {
        var path = Path.Combine(Scratch, name);
        Directory.CreateDirectory(path);
        return path;
    }
}
