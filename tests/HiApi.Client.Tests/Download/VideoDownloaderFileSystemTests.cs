using System.Text;

namespace HiApi.Client.Tests;

/// <summary>
/// File system failures are one task's error, not the pipeline's end: whatever the disk says while the folder, the
/// temporary file, the writes, the flushes or the rename happen becomes a FileSystem HiApiException naming the task
/// and the path, and no temporary file is left. The tests use failures that hold even for root (these tests run as
/// root in CI): a file where a folder must go, a name over 255 bytes, a full or read-only tmpfs.
/// </summary>
public sealed class VideoDownloaderFileSystemTests : DownloadTestBase
{
    private const long Size = 300_000;

    private static FakeHttpHandler Storage() => new((request, _) => StorageResponses.Ranged(request, Size));

    private static async Task<HiApiException> FileSystemFailureAsync(string target, DownloadOptions options, FakeHttpHandler? handler = null)
    {
        var failure = await Assert.ThrowsAsync<HiApiException>(() =>
            new VideoDownloader(handler ?? Storage()).DownloadAsync(SucceededTask(), target, options));
        Assert.Equal(HiApiErrorKind.FileSystem, failure.Kind);
        Assert.Equal("tk-1", failure.TaskId);
        Assert.Contains("tk-1", failure.Message);
        Assert.NotNull(failure.InnerException);
        return failure;
    }

    [Fact]
    public async Task AFileWhereTheFolderMustGo_IsAFileSystemError()
    {
        var blocker = Path.Combine(Root, "blocker");
        await File.WriteAllTextAsync(blocker, "a file, not a folder");
        var target = Path.Combine(blocker, "clips", "tk-1.mp4");

        var failure = await FileSystemFailureAsync(target, Options());

        Assert.Contains(Path.Combine(blocker, "clips"), failure.Message);
        Assert.Equal("a file, not a folder", await File.ReadAllTextAsync(blocker));
    }

    [Fact]
    public async Task AFolderNameOver255Bytes_IsAFileSystemError()
    {
        var target = Path.Combine(Root, new string('d', 300), "tk-1.mp4");

        var failure = await FileSystemFailureAsync(target, Options());

        Assert.IsAssignableFrom<IOException>(failure.InnerException);
        Assert.Empty(Directory.GetFileSystemEntries(Root));
    }

    [Fact]
    public async Task ARenameThatFails_IsAFileSystemError_AndKeepsTheVerifiedVideoUnderAVisibleName()
    {
        // With -Force, the target turns into a folder holding a file while the video downloads: the rename must fail.
        var progress = new OnFirstReport(() => File.WriteAllText(Path.Combine(Directory.CreateDirectory(Target).FullName, "inside"), "x"));

        var failure = await FileSystemFailureAsync(Target, Options(force: true, progress: progress));

        Assert.Contains(Target, failure.Message);
        Assert.Matches(@"^tk-1\.kept-[0-9a-f]{8}\.mp4$", Path.GetFileName(failure.KeptFile));
        Assert.Contains($"kept as '{failure.KeptFile}'", failure.Message);
        Assert.Equal(new[] { failure.KeptFile, Path.Combine(Target, "inside") }, LeftoverFiles().Order());
        Assert.Equal(PatternStream.Expected(Size), await File.ReadAllBytesAsync(failure.KeptFile!));
    }

    [Fact]
    public async Task TheSameVideoSavedMeanwhileByAnotherProcess_IsSaved_NotAFileExistsError()
    {
        // Two resumes on one ledger download the same task into the same folder: the second to finish finds the first's
        // file. When it is exactly this video, the task is saved; our copy goes.
        var progress = new OnFirstReport(() =>
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Target)!);
            using var same = new PatternStream(0, Size);
            using var file = File.Create(Target);
            same.CopyTo(file);
        });

        var saved = await new VideoDownloader(Storage()).DownloadAsync(SucceededTask(), Target, Options(progress: progress));

        Assert.Equal(Target, saved.FullName);
        Assert.Equal(Size, new FileInfo(Target).Length);
        Assert.Equal(new[] { Target }, LeftoverFiles());
    }

    [Fact]
    public async Task AnotherFileThatAppearsMeanwhile_IsStillAFileExistsError_AndIsLeftAlone_TheVideoKeptBesideIt()
    {
        var progress = new OnFirstReport(() =>
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Target)!);
            File.WriteAllText(Target, "someone else's file");
        });

        var refused = await Assert.ThrowsAsync<HiApiException>(() =>
            new VideoDownloader(Storage()).DownloadAsync(SucceededTask(), Target, Options(progress: progress)));

        Assert.Equal(HiApiErrorKind.FileExists, refused.Kind);
        Assert.Equal("someone else's file", File.ReadAllText(Target));
        Assert.Equal(new[] { refused.KeptFile, Target }, LeftoverFiles().Order());
        Assert.Equal(PatternStream.Expected(Size), await File.ReadAllBytesAsync(refused.KeptFile!));
    }

    [TmpfsFact]
    public async Task AFullDisk_IsAFileSystemError_AndLeavesNoTemporaryFile()
    {
        using var disk = TinyFileSystem.Mount("size=64k");

        var target = Path.Combine(disk.Path, "tk-1.mp4");
        var failure = await FileSystemFailureAsync(target, Options());

        Assert.Contains(disk.Path, failure.Message);
        Assert.Empty(Directory.GetFileSystemEntries(disk.Path));
    }

    [TmpfsFact]
    public async Task AReadOnlyFileSystem_IsAFileSystemError()
    {
        using var disk = TinyFileSystem.Mount("ro,size=64k");

        var failure = await FileSystemFailureAsync(Path.Combine(disk.Path, "tk-1.mp4"), Options());

        Assert.Contains($"cannot create the temporary file '{disk.Path}", failure.Message);
    }

    [Fact]
    public async Task AVeryLongTaskId_IsStillSaved_UnderItsShortenedName()
    {
        var target = SavePathResolver.ResolveTargetFile(Path.Combine(Root, "out"), "tk-" + new string('x', 400));

        var file = await new VideoDownloader(Storage()).DownloadAsync(SucceededTask(), target, Options());

        Assert.Equal(PatternStream.Expected(Size), await File.ReadAllBytesAsync(file.FullName));
        Assert.Equal(new[] { target }, LeftoverFiles());
    }

    [Fact]
    public async Task ATargetNameOfExactly255Bytes_IsSaved_ItsTemporaryNameShortened()
    {
        var name = new string('n', 251) + ".mp4";
        Assert.Equal(255, Encoding.UTF8.GetByteCount(name));
        var target = Path.Combine(Root, "out", name);
        // What a killed download of this target leaves: its 255 bytes plus 18 would not fit, so the name is shortened.
        var abandoned = Path.Combine(Root, "out", $".{PortableFileName.Shorten(name, name)}.0badf00d.partial");
        Directory.CreateDirectory(Path.Combine(Root, "out"));
        await File.WriteAllBytesAsync(abandoned, new byte[10]);

        var file = await new VideoDownloader(Storage()).DownloadAsync(SucceededTask(), target, Options());

        Assert.Equal(Size, file.Length);
        Assert.False(File.Exists(abandoned), "the temporary file of a killed download of the same target is found and removed");
        Assert.Equal(new[] { target }, LeftoverFiles());
    }

    [Fact]
    public async Task SaveAsync_TurnsAFileSystemFailureIntoAnError_NotARawIOException()
    {
        var blocker = Path.Combine(Root, "blocker");
        await File.WriteAllTextAsync(blocker, "x");
        var session = new HiApiSession(() => throw new InvalidOperationException("no key needed"), ledger: null, new VideoDownloader(Storage()));

        var failure = await Assert.ThrowsAsync<HiApiException>(() =>
            session.SaveAsync(SucceededTask(), Path.Combine(blocker, "tk-1.mp4"), Options()));

        Assert.Equal(HiApiErrorKind.FileSystem, failure.Kind);
    }

    private sealed class OnFirstReport(Action action) : IProgress<DownloadProgress>
    {
        private int _reports;

        public void Report(DownloadProgress value)
        {
            if (Interlocked.Increment(ref _reports) == 1)
            {
                action();
            }
        }
    }
}
