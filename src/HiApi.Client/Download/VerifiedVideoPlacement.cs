using System.Security.Cryptography;
using System.Text;

namespace HiApi.Client;

/// <summary>
/// Puts a downloaded, verified video at its target, and never loses it on the way. The rename is retried for a few
/// seconds while another program holds the target or the video (on Windows a media player, Explorer's preview, the
/// Search indexer, antivirus or OneDrive make it fail with a sharing violation or access denied, for a moment). A
/// target that already holds exactly the same bytes counts as saved. A video that cannot go in place (another file
/// there without -Force, a rename that keeps failing, Ctrl+C during the retries) is kept beside the target under a
/// visible name, <c>&lt;name&gt;.kept-&lt;8 hex&gt;.mp4</c>: the error names it (<see cref="HiApiException.KeptFile"/>), and the
/// session records it in the ledger, so running the same save again moves it into place without downloading it.
/// </summary>
internal sealed class VerifiedVideoPlacement
{
    /// <summary>
    /// Windows' error codes (in an IOException's HResult) for a file another program holds: a sharing violation, a
    /// lock violation, a file mapped into memory (a player, a preview).
    /// </summary>
    private const int SharingViolation = unchecked((int)0x80070020);
    private const int LockViolation = unchecked((int)0x80070021);
    private const int UserMappedFile = unchecked((int)0x800704C8);

    private const string KeptInfix = ".kept-";
    private const int KeptTagLength = 8;

    private readonly Action<string, string, bool> _move;
    private readonly IReadOnlyList<TimeSpan> _retryDelays;
    private readonly TimeProvider _time;

    public VerifiedVideoPlacement(Action<string, string, bool> move, IReadOnlyList<TimeSpan> retryDelays, TimeProvider time)
    {
        _move = move;
        _retryDelays = retryDelays;
        _time = time;
    }

    /// <summary>
    /// The pauses between rename attempts: 50 ms doubling to 1 s, then 1 s, for 4.55 s in all (9 attempts), long
    /// enough for a preview or a virus scan of the new file to let go, short enough not to hold a batch up.
    /// </summary>
    public static IReadOnlyList<TimeSpan> DefaultRetryDelays { get; } =
        [.. new[] { 50, 100, 200, 400, 800, 1000, 1000, 1000 }.Select(ms => TimeSpan.FromMilliseconds(ms))];

    /// <summary>
    /// Moves <paramref name="video"/> (whole and verified) to <paramref name="target"/>. <paramref name="videoIsKept"/>:
    /// it is already a kept copy, which stays where it is when it cannot go in place.
    /// </summary>
    public async Task<FileInfo> PlaceAsync(HiApiTask task, string video, string target, DownloadOptions options, bool videoIsKept, CancellationToken ct)
    {
        var waited = TimeSpan.Zero;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                _move(video, target, options.Force);
                return new FileInfo(target);
            }
            catch (IOException) when (!options.Force && File.Exists(target))
            {
                if (IsTheSameVideo(target, video))
                {
                    // Another process (or an earlier run without a ledger) saved this very video there: it is saved.
                    TryDelete(video);
                    options.Log?.Invoke($"{task.TaskId}: '{target}' already holds this very video (the same {new FileInfo(target).Length} bytes); counted as saved.");
                    return new FileInfo(target);
                }

                throw WithKept(
                    DownloadErrors.FileExists(task, $"'{target}' already exists and holds another file; use -Force to overwrite it."),
                    videoIsKept ? video : Keep(task, video, target, options));
            }
            catch (Exception held) when (IsHeldByAnotherProgram(held) && attempt <= _retryDelays.Count)
            {
                var delay = _retryDelays[attempt - 1];
                options.Log?.Invoke(
                    $"{task.TaskId}: cannot rename '{video}' to '{target}' yet ({IoMessage.Of(held)}); another program may hold one of them. " +
                    $"Attempt {attempt} of {_retryDelays.Count + 1}; next in {delay.TotalMilliseconds:0} ms.");
                try
                {
                    await Task.Delay(delay, _time, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!videoIsKept)
                {
                    var kept = Keep(task, video, target, options);
                    options.Log?.Invoke($"{task.TaskId}: stopped while renaming; the verified video is kept as '{kept}'.");
                    throw;
                }

                waited += delay;
            }
            catch (Exception ex) when (DownloadErrors.IsFileSystemFailure(ex))
            {
                var tried = attempt > 1 ? $" (tried {attempt} times over {waited.TotalSeconds:0.##} s)" : string.Empty;
                throw WithKept(
                    DownloadErrors.FileSystem(task, $"cannot rename '{video}' to '{target}'{tried}", ex),
                    videoIsKept ? video : Keep(task, video, target, options));
            }
        }
    }

    /// <summary>Whether <paramref name="path"/> is a kept copy made for <paramref name="target"/> (same folder, its kept-name form).</summary>
    public static bool IsKeptCopyOf(string path, string target)
    {
        if (!string.Equals(Path.GetDirectoryName(Path.GetFullPath(path)), Path.GetDirectoryName(Path.GetFullPath(target)), StringComparison.Ordinal))
        {
            return false;
        }

        var name = Path.GetFileName(path);
        var (prefix, suffix) = KeptNameParts(Path.GetFileName(target));
        if (name.Length != prefix.Length + KeptTagLength + suffix.Length
            || !name.StartsWith(prefix, StringComparison.Ordinal)
            || !name.EndsWith(suffix, StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in name.AsSpan(prefix.Length, KeptTagLength))
        {
            if (!char.IsAsciiHexDigitLower(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether <paramref name="target"/> holds exactly the bytes of <paramref name="video"/> (a whole MP4, the same length, byte for byte).</summary>
    public static bool IsTheSameVideo(string target, string video)
    {
        try
        {
            if (new FileInfo(target).Length != new FileInfo(video).Length || Mp4Structure.Check(target).Verdict != Mp4Verdict.Whole)
            {
                return false;
            }

            // Compared byte for byte rather than by hash: the same reads, and no collision to argue about.
            using var theirs = new FileStream(target, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
            using var ours = new FileStream(video, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
            Span<byte> a = new byte[1 << 16];
            Span<byte> b = new byte[1 << 16];
            int read;
            while ((read = theirs.Read(a)) > 0)
            {
                ours.ReadExactly(b[..read]);
                if (!a[..read].SequenceEqual(b[..read]))
                {
                    return false;
                }
            }

            return true;
        }
        catch (Exception ex) when (DownloadErrors.IsFileSystemFailure(ex))
        {
            return false;
        }
    }

    /// <summary>
    /// What Windows says while another program holds a file it is asked to rename or replace; retried. (On Linux and
    /// macOS a rename does not fail for that; access denied is retried there too, the same rule everywhere.)
    /// </summary>
    internal static bool IsHeldByAnotherProgram(Exception exception) =>
        exception is UnauthorizedAccessException
        || exception is IOException { HResult: SharingViolation or LockViolation or UserMappedFile };

    /// <summary>
    /// Keeps the verified video beside the target under a visible name: moved (a rename in the same folder), else
    /// copied; if neither can be done now, it stays where it is. Returns where it is.
    /// </summary>
    private string Keep(HiApiTask task, string video, string target, DownloadOptions options)
    {
        var kept = Path.Combine(Path.GetDirectoryName(target)!, KeptName(Path.GetFileName(target)));
        try
        {
            _move(video, kept, false);
            return kept;
        }
        catch (Exception moveFailed) when (DownloadErrors.IsFileSystemFailure(moveFailed))
        {
            try
            {
                File.Copy(video, kept, overwrite: false);
                TryDelete(video);
                return kept;
            }
            catch (Exception copyFailed) when (DownloadErrors.IsFileSystemFailure(copyFailed))
            {
                TryDelete(kept); // a copy that broke off is no video
                options.Log?.Invoke($"{task.TaskId}: the verified video cannot be given a visible name now ({IoMessage.Of(moveFailed)}); it stays at '{video}'.");
                return video;
            }
        }
    }

    private static HiApiException WithKept(HiApiException error, string kept) =>
        error.With(message:
            $"{error.Message.TrimEnd('.')}. The downloaded video is whole and verified, and kept as '{kept}': run the same command again to " +
            "put it in place without downloading it (the task ledger remembers it), or move it yourself.", keptFile: kept);

    /// <summary><c>&lt;stem&gt;.kept-&lt;8 hex&gt;&lt;extension&gt;</c>, the stem shortened when the name would pass 255 bytes.</summary>
    private static string KeptName(string targetName)
    {
        var (prefix, suffix) = KeptNameParts(targetName);
        return prefix + Convert.ToHexString(RandomNumberGenerator.GetBytes(KeptTagLength / 2)).ToLowerInvariant() + suffix;
    }

    private static (string Prefix, string Suffix) KeptNameParts(string targetName)
    {
        var extension = Path.GetExtension(targetName);
        var stem = Path.GetFileNameWithoutExtension(targetName);
        var overhead = Encoding.UTF8.GetByteCount(KeptInfix) + KeptTagLength + Encoding.UTF8.GetByteCount(extension);
        if (Encoding.UTF8.GetByteCount(stem) + overhead > PortableFileName.MaxUtf8Bytes)
        {
            stem = PortableFileName.Shorten(stem, targetName);
        }

        return (stem + KeptInfix, extension);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (DownloadErrors.IsFileSystemFailure(ex))
        {
        }
    }
}
