using System.Runtime.InteropServices;
using System.Security.AccessControl;

namespace HiApi.Client;

/// <summary>
/// Writes bytes at the end of an existing file with the operating system's append semantics: the end is found by
/// the kernel at the moment of the write, not by this process beforehand. So even two writers that do not share
/// a lock (a file system without working locks, <c>DOTNET_SYSTEM_IO_DISABLEFILELOCKING</c>, an older version
/// locking another path) never write over each other's lines. .NET's own <see cref="FileMode.Append"/> only seeks
/// to the end once, when the file is opened: on Linux and macOS this opens the file with <c>O_APPEND</c>, on
/// Windows with <c>FILE_APPEND_DATA</c> alone, where every write goes to the end whatever offset it names.
/// </summary>
internal static class LedgerAppendFile
{
    private const int ErrorInterrupted = 4; // EINTR, the same on Linux and macOS

    public static void Append(string path, ReadOnlySpan<byte> bytes)
    {
        if (OperatingSystem.IsWindows())
        {
            AppendOnWindows(path, bytes);
        }
        else if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            AppendOnUnix(path, bytes);
        }
        else
        {
            // Another Unix (FreeBSD): its open(2) flags are not known here. The ledger lock still serializes writers.
            using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
            stream.Write(bytes);
        }
    }

    [System.Runtime.Versioning.SupportedOSPlatform("windows")]
    private static void AppendOnWindows(string path, ReadOnlySpan<byte> bytes)
    {
        // Without FileSystemRights.WriteData the handle can only append (FILE_APPEND_DATA): the offset FileStream
        // passes to WriteFile is ignored and the bytes land at the current end of the file.
        using var stream = new FileInfo(path).Create(
            FileMode.Open,
            FileSystemRights.AppendData | FileSystemRights.Synchronize,
            FileShare.ReadWrite | FileShare.Delete,
            bufferSize: 1, // unbuffered: one WriteFile for the whole line
            FileOptions.None,
            fileSecurity: null);
        stream.Write(bytes);
    }

    private static void AppendOnUnix(string path, ReadOnlySpan<byte> bytes)
    {
        var flags = OperatingSystem.IsMacOS()
            ? 0x0001 | 0x0008 | 0x1000000 // O_WRONLY | O_APPEND | O_CLOEXEC (macOS)
            : 0x0001 | 0x0400 | 0x80000; // O_WRONLY | O_APPEND | O_CLOEXEC (Linux, every architecture .NET runs on)
        int descriptor;
        do
        {
            // No O_CREAT: the caller created the file, and open's third (variadic) argument is never needed.
            descriptor = Open(path, flags);
        }
        while (descriptor < 0 && Marshal.GetLastPInvokeError() == ErrorInterrupted);

        if (descriptor < 0)
        {
            throw ErrorFor(Marshal.GetLastPInvokeError(), path);
        }

        try
        {
            while (!bytes.IsEmpty)
            {
                var written = Write(descriptor, ref MemoryMarshal.GetReference(bytes), bytes.Length);
                if (written < 0)
                {
                    var error = Marshal.GetLastPInvokeError();
                    if (error == ErrorInterrupted)
                    {
                        continue;
                    }

                    throw ErrorFor(error, path);
                }

                bytes = bytes[(int)written..]; // a short write (a full disk): the rest follows, or the error does
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    // The same exception types .NET's FileStream throws for these errors, so callers handle both alike.
    private static Exception ErrorFor(int error, string path)
    {
        var message = $"{Marshal.GetPInvokeErrorMessage(error)} : '{path}'";
        return error switch
        {
            2 => new FileNotFoundException(message, path), // ENOENT
            1 or 13 => new UnauthorizedAccessException(message), // EPERM, EACCES
            _ => new IOException(message, error),
        };
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "write", SetLastError = true)]
    private static extern nint Write(int descriptor, ref byte buffer, nint count);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int descriptor);
}
