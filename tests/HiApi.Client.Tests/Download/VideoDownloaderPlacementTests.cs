namespace HiApi.Client.Tests;

/// <summary>
/// Issue 17 (Windows and macOS, shown on Linux through the file-replace and attribute seams) and issue 16's
/// "identical video in place": a verified video is put in place, or found there already, or kept under a visible
/// name that the error names; it is never deleted because a rename failed.
/// </summary>
public sealed class VideoDownloaderPlacementTests : DownloadTestBase
{
    private const long Size = 300_000;

    /// <summary>What Windows throws when a media player, a preview or the indexer holds a file being replaced.</summary>
    private static readonly Func<Exception>[] WindowsRefusals =
    [
        () => new IOException("The process cannot access the file because it is being used by another process.", unchecked((int)0x80070020)),
        () => new UnauthorizedAccessException("Access to the path is denied."),
    ];

    private static FakeHttpHandler Storage() => new((request, _) => StorageResponses.Ranged(request, Size));

    private static IReadOnlyList<TimeSpan> NoPauses(int count) => Enumerable.Repeat(TimeSpan.Zero, count).ToArray();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task ARenameRefusedForAMoment_IsRetried_AndTheVideoSaved(int refusal)
    {
        var moves = 0;
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var downloader = new VideoDownloader(Storage())
        {
            MoveFile = (from, to, overwrite) =>
            {
                if (++moves <= 3)
                {
                    throw WindowsRefusals[refusal]();
                }

                File.Move(from, to, overwrite);
            },
            RenameRetryDelays = NoPauses(8),
        };

        var saved = await downloader.DownloadAsync(SucceededTask(), Target, Options(force: true, log: log.Enqueue));

        Assert.Equal(4, moves);
        Assert.Equal(PatternStream.Expected(Size), await File.ReadAllBytesAsync(saved.FullName));
        Assert.Equal(new[] { Target }, LeftoverFiles());
        Assert.Equal(3, log.Count(line => line.Contains("another program may hold one of them")));
        Assert.Contains(log, line => line.Contains("Attempt 3 of 9"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task ARenameThatStaysRefused_KeepsTheVerifiedVideoUnderAVisibleName_AndTheErrorSaysWhere(int refusal)
    {
        var movesToTarget = 0;
        var downloader = new VideoDownloader(Storage())
        {
            MoveFile = (from, to, overwrite) =>
            {
                if (to == Target)
                {
                    movesToTarget++;
                    throw WindowsRefusals[refusal]();
                }

                File.Move(from, to, overwrite);
            },
            RenameRetryDelays = NoPauses(8),
        };

        var failure = await Assert.ThrowsAsync<HiApiException>(() => downloader.DownloadAsync(SucceededTask(), Target, Options(force: true)));

        Assert.Equal(HiApiErrorKind.FileSystem, failure.Kind);
        Assert.Equal(9, movesToTarget);
        Assert.Contains("(tried 9 times over 0 s)", failure.Message);
        Assert.Contains(". The downloaded video is whole and verified, and kept as", failure.Message);
        Assert.DoesNotContain("..", failure.Message.Replace(Path.GetDirectoryName(Target)!, string.Empty));
        var kept = failure.KeptFile!;
        Assert.Equal(Path.GetDirectoryName(Target), Path.GetDirectoryName(kept));
        Assert.Matches(@"^tk-1\.kept-[0-9a-f]{8}\.mp4$", Path.GetFileName(kept)); // no leading dot: visible
        Assert.Contains($"kept as '{kept}'", failure.Message);
        Assert.Equal(PatternStream.Expected(Size), await File.ReadAllBytesAsync(kept));
        Assert.Equal(new[] { kept }, LeftoverFiles());
    }

    [Fact]
    public void TheDefaultRetry_WaitsAFewSeconds_InNineAttempts()
    {
        var delays = new VideoDownloader().RenameRetryDelays;

        Assert.Equal(8, delays.Count);
        Assert.Equal(TimeSpan.FromMilliseconds(4550), delays.Aggregate(TimeSpan.Zero, (sum, delay) => sum + delay));
    }

    [Fact]
    public async Task AnotherError_IsNotRetried_TheVideoIsKept()
    {
        var moves = 0;
        var downloader = new VideoDownloader(Storage())
        {
            MoveFile = (from, to, overwrite) =>
            {
                if (to == Target)
                {
                    moves++;
                    throw new IOException("The filename, directory name, or volume label syntax is incorrect.", unchecked((int)0x8007007B));
                }

                File.Move(from, to, overwrite);
            },
            RenameRetryDelays = NoPauses(8),
        };

        var failure = await Assert.ThrowsAsync<HiApiException>(() => downloader.DownloadAsync(SucceededTask(), Target, Options()));

        Assert.Equal(1, moves);
        Assert.True(File.Exists(failure.KeptFile));
    }

    [Fact]
    public async Task OnWindows_TheTemporaryFileIsMarkedHiddenAndNotIndexed_AndTheSavedVideoIsNot()
    {
        var requests = new List<(string Path, FileAttributes Attributes, bool TargetExists)>();
        var downloader = new VideoDownloader(Storage())
        {
            HidesTemporaryFiles = true,
            SetAttributes = (path, attributes) => requests.Add((path, attributes, File.Exists(Target))),
        };

        await downloader.DownloadAsync(SucceededTask(), Target, Options());

        Assert.Equal(2, requests.Count);
        Assert.Matches(@"^\.tk-1\.mp4\.[0-9a-f]{8}\.partial$", Path.GetFileName(requests[0].Path));
        Assert.Equal(FileAttributes.Hidden | FileAttributes.NotContentIndexed, requests[0].Attributes);
        Assert.Equal((requests[0].Path, FileAttributes.Normal, false), requests[1]); // cleared before the rename
        Assert.Equal(OperatingSystem.IsWindows(), new VideoDownloader().HidesTemporaryFiles);
    }

    [Fact]
    public async Task AFileInPlaceHoldingTheSameVideo_CountsAsSaved_NotAFileExistsError()
    {
        // What a second process (or an earlier run without a ledger) left: exactly this video.
        Directory.CreateDirectory(Path.GetDirectoryName(Target)!);
        await File.WriteAllBytesAsync(Target, PatternStream.Expected(Size));
        var before = File.GetLastWriteTimeUtc(Target);
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();

        var saved = await new VideoDownloader(Storage()).DownloadAsync(SucceededTask(), Target, Options(log: log.Enqueue));

        Assert.Equal(Target, saved.FullName);
        Assert.Equal(before, File.GetLastWriteTimeUtc(Target)); // left as it was, not replaced
        Assert.Equal(new[] { Target }, LeftoverFiles());
        Assert.Contains(log, line => line.Contains($"already holds this very video (the same {Size} bytes)"));
    }

    [Fact]
    public async Task AFileInPlaceOfTheSameLength_WithOtherBytes_IsAFileExistsError_AndTheVideoIsKeptBesideIt()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Target)!);
        var other = PatternStream.Expected(Size);
        other[^1] ^= 0xFF;
        await File.WriteAllBytesAsync(Target, other);

        var refused = await Assert.ThrowsAsync<HiApiException>(() => new VideoDownloader(Storage()).DownloadAsync(SucceededTask(), Target, Options()));

        Assert.Equal(HiApiErrorKind.FileExists, refused.Kind);
        Assert.Equal(other, await File.ReadAllBytesAsync(Target));
        Assert.Equal(PatternStream.Expected(Size), await File.ReadAllBytesAsync(refused.KeptFile!));
    }

    [Fact]
    public async Task AWholeVideoLeftAtATemporaryName_IsNotRemovedAsAnAbandonedDownload()
    {
        // A verified video that could be given no visible name (the move and the copy refused) stays at its
        // temporary name, and the error named it: the next download of the target must not delete it.
        var stranded = Path.Combine(Root, "out", ".tk-1.mp4.0badf00d.partial");
        Directory.CreateDirectory(Path.GetDirectoryName(stranded)!);
        await File.WriteAllBytesAsync(stranded, PatternStream.Expected(1000));

        await new VideoDownloader(Storage()).DownloadAsync(SucceededTask(), Target, Options());

        Assert.Equal(PatternStream.Expected(1000), await File.ReadAllBytesAsync(stranded));
    }
}
