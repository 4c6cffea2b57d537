using System.Diagnostics;

namespace HiApi.Client.Tests;

/// <summary>
/// A small tmpfs mounted for one test: a full disk (ENOSPC) or a read-only file system (EROFS), failures that hold
/// even for root, who ignores permission bits. Mounting needs root (CAP_SYS_ADMIN); where that is missing,
/// <see cref="TryMount"/> returns null and says why.
/// </summary>
public sealed class TinyFileSystem : IDisposable
{
    private TinyFileSystem(string path) => Path = path;

    public string Path { get; }

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
