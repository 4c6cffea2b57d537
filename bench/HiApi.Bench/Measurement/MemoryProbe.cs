using System.Diagnostics;
using System.Globalization;

namespace HiApi.Bench.Measurement;

/// <summary>
/// This process's memory as the kernel sees it. On Linux the peak is <c>VmHWM</c> from <c>/proc/self/status</c>,
/// reset through <c>/proc/self/clear_refs</c> so it covers one phase only; a sampling thread backs it up (and is
/// the only source elsewhere). Working set = resident set.
/// </summary>
internal sealed class MemoryProbe : IDisposable
{
    private readonly Thread _sampler;
    private readonly TimeSpan _interval;
    private volatile bool _stopping;
    private long _sampledPeak;

    private MemoryProbe(TimeSpan interval)
    {
        _interval = interval;
        _sampledPeak = CurrentWorkingSet();
        _sampler = new Thread(Sample) { IsBackground = true, Name = "memory-probe", Priority = ThreadPriority.AboveNormal };
        _sampler.Start();
    }

    /// <summary>True when the kernel's own peak was reset, so <see cref="Peak"/> covers only what follows.</summary>
    public bool KernelPeakReset { get; private set; }

    /// <summary>Starts a phase: resets the kernel's peak (where possible) and samples every <paramref name="interval"/>.</summary>
    public static MemoryProbe Start(TimeSpan? interval = null)
    {
        var resetOk = TryResetKernelPeak();
        return new MemoryProbe(interval ?? TimeSpan.FromMilliseconds(10)) { KernelPeakReset = resetOk };
    }

    /// <summary>The peak working set since <see cref="Start"/>: the larger of the kernel's peak and the samples.</summary>
    public long Peak
    {
        get
        {
            var sampled = Interlocked.Read(ref _sampledPeak);
            return KernelPeakReset && ReadStatusBytes("VmHWM") is { } kernel ? Math.Max(kernel, sampled) : sampled;
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _sampler.Join();
    }

    public static long CurrentWorkingSet() => ReadStatusBytes("VmRSS") ?? ProcessWorkingSet();

    /// <summary>A value in bytes from <c>/proc/self/status</c> (given there in kB), or null off Linux.</summary>
    public static long? ReadStatusBytes(string field)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                var parts = line[(field.Length + 1)..].Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return null;
    }

    private static bool TryResetKernelPeak()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            // "5" resets the peak resident set size (Linux 4.0+); afterwards VmHWM starts again from VmRSS.
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static long ProcessWorkingSet()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    private void Sample()
    {
        while (!_stopping)
        {
            var now = CurrentWorkingSet();
            if (now > Interlocked.Read(ref _sampledPeak))
            {
                Interlocked.Exchange(ref _sampledPeak, now);
            }

            Thread.Sleep(_interval);
        }
    }
}
