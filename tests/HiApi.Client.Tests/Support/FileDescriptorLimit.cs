using System.Runtime.InteropServices;

namespace HiApi.Client.Tests;

/// <summary>The process's limit on open files (ulimit -n), which caps how many sockets a test can open; null on Windows.</summary>
public static class FileDescriptorLimit
{
    public static long? Current()
    {
        // RLIMIT_NOFILE is 7 on Linux and 8 on macOS and the BSDs; rlim_t is 64-bit on every 64-bit Unix .NET runs on.
        var resource = OperatingSystem.IsLinux() ? 7 : OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD() ? 8 : -1;
        if (resource < 0)
        {
            return null;
        }

        return GetRLimit(resource, out var limit) == 0 ? (long)Math.Min(limit.Current, long.MaxValue) : null;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [DllImport("libc", EntryPoint = "getrlimit")]
    private static extern int GetRLimit(int resource, out RLimit limit);
}
