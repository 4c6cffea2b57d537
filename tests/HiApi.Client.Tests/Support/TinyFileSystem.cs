using System.Diagnostics;

namespace HiApi.Client.Tests;

/// <summary>
/// A small tmpfs mounted for one test: a full disk (ENOSPC) or a read-only file system (EROFS), failures that hold
/// even for root, who ignores permission bits. Mounting needs root (CAP_SYS_ADMIN) on Linux; where that is missing,
/// tests marked <see cref="TmpfsFactAttribute"/> are skipped with the reason (<see cref="WhyNoMount"/>).
/// </summary>
public sealed class TinyFileSystem : IDisposable
{
    private TinyFileSystem(string path) => Path = path;

    public string Path { get; }

    private static readonly Lazy<string?> WhyNoMountProbe = new(Probe);

    /// <summary>
    /// Null where a tmpfs can be mounted here; otherwise why not, found once by mounting a small one (Linux only:
    /// tmpfs is a Linux file system).
    /// </summary>
    public static string? WhyNoMount => WhyNoMountProbe.Value;

    /// <summary>Mounts a tmpfs with <paramref name="options"/>; throws, saying why, where that fails.</summary>
    public static TinyFileSystem Mount(string options) =>
        TryMount(options, out var why) ?? throw new InvalidOperationException($"no tmpfs could be mounted: {why.Trim()}");

    public static TinyFileSystem? TryMount(string options, out string why)
    {
        var path = Directory.CreateTempSubdirectory("hiapi-tmpfs-").FullName;
        if (Run("mount", $"-t tmpfs -o {options} hiapi-test {path}", out why))
        {
            return new TinyFileSystem(path);
        }

        Directory.Delete(path);
        return null;
    }

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return $"tmpfs is a Linux file system, and this is {System.Runtime.InteropServices.RuntimeInformation.OSDescription}";
        }

        using var probe = TryMount("size=64k", out var why);
        return probe is null ? why.Trim() : null;
    }

    public void Dispose()
    {
        Run("umount", Path, out _);
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static bool Run(string command, string arguments, out string output)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(command, arguments)
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            })!;
            output = process.StandardError.ReadToEnd() + process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception missing)
        {
            output = missing.Message;
            return false;
        }
    }
}
