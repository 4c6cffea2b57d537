namespace HiApi.FaultInjection.Tests.Support;

/// <summary>What a folder of saved videos must look like: whole files, the emulator's bytes, nothing else.</summary>
public static class SavedVideos
{
    private static readonly Lazy<byte[]> Fixture = new(ReadFixture);

    /// <summary>The MP4 the emulator serves when no padding is configured: <c>tests/fixtures/sample.mp4</c>.</summary>
    public static byte[] FixtureBytes => Fixture.Value;

    /// <summary>Files that are not a finished <c>.mp4</c>: the downloader's hidden <c>.partial</c> files and anything else.</summary>
    public static IReadOnlyList<string> NonVideoFiles(string folder) => Directory.Exists(folder)
        ? Directory.EnumerateFileSystemEntries(folder)
            .Where(path => !string.Equals(Path.GetExtension(path), ".mp4", StringComparison.Ordinal) || Path.GetFileName(path).StartsWith('.'))
            .Select(Path.GetFileName)
            .Select(name => name!)
            .ToList()
        : [];

    /// <summary>The task ids of the finished videos in <paramref name="folder"/> (files named <c>&lt;taskId&gt;.mp4</c>).</summary>
    public static IReadOnlyList<string> VideoTaskIds(string folder) => Directory.Exists(folder)
        ? Directory.EnumerateFiles(folder, "*.mp4")
            .Select(Path.GetFileName)
            .Where(name => !name!.StartsWith('.'))
            .Select(name => Path.GetFileNameWithoutExtension(name)!)
            .ToList()
        : [];

    /// <summary>Exactly the fixture's bytes: right length, an MP4 <c>ftyp</c> box at bytes 4..7, nothing garbled by resumes.</summary>
    public static void AssertIsTheFixture(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length == FixtureBytes.Length, $"{Path.GetFileName(path)} has {bytes.Length} bytes, the video has {FixtureBytes.Length}");
        AssertStartsWithFtyp(path, bytes);
        Assert.True(bytes.AsSpan().SequenceEqual(FixtureBytes), $"{Path.GetFileName(path)} differs from the served video");
    }

    /// <summary>For padded videos (too big to compare whole): the announced size and an MP4 header.</summary>
    public static void AssertLengthAndFtyp(string path, long expectedLength)
    {
        var length = new FileInfo(path).Length;
        Assert.True(length == expectedLength, $"{Path.GetFileName(path)} has {length} bytes, the video has {expectedLength}");
        var header = new byte[8];
        using (var stream = File.OpenRead(path))
        {
            stream.ReadExactly(header);
        }

        AssertStartsWithFtyp(path, header);
    }

    private static void AssertStartsWithFtyp(string path, byte[] header) =>
        Assert.True(
            header.Length >= 8 && header[4] == (byte)'f' && header[5] == (byte)'t' && header[6] == (byte)'y' && header[7] == (byte)'p',
            $"{Path.GetFileName(path)} does not start with an MP4 ftyp box");

    private static byte[] ReadFixture()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "tests", "fixtures", "sample.mp4");
            if (File.Exists(candidate))
            {
                return File.ReadAllBytes(candidate);
            }
        }

        throw new FileNotFoundException("tests/fixtures/sample.mp4 not found above " + AppContext.BaseDirectory);
    }
}
