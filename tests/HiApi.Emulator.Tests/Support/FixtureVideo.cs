namespace HiApi.Emulator.Tests.Support;

/// <summary>The real MP4 fixture the emulator serves, read from the repository for comparison.</summary>
public static class FixtureVideo
{
    public static byte[] Bytes { get; } = File.ReadAllBytes(FindFixture());

    private static string FindFixture()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "fixtures", "sample.mp4");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException("tests/fixtures/sample.mp4 not found above the test output folder.");
    }
}
