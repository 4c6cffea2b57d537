namespace HiApi.Client.Tests;

public sealed class SavePathResolverTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("hiapi-save-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void ExistingDirectory_GetsTaskIdDotMp4()
    {
        var directory = Directory.CreateDirectory(Path.Combine(_root, "videos.v1")).FullName;

        Assert.Equal(Path.Combine(directory, "tk-1.mp4"), SavePathResolver.ResolveTargetFile(directory, "tk-1"));
    }

    [Fact]
    public void TrailingSeparator_MeansADirectory_EvenIfMissing()
    {
        var path = Path.Combine(_root, "new.dir") + Path.DirectorySeparatorChar;

        Assert.Equal(Path.Combine(_root, "new.dir", "tk-1.mp4"), SavePathResolver.ResolveTargetFile(path, "tk-1"));
    }

    [Fact]
    public void NoExtension_MeansADirectory() =>
        Assert.Equal(Path.Combine(_root, "out", "tk-1.mp4"), SavePathResolver.ResolveTargetFile(Path.Combine(_root, "out"), "tk-1"));

    [Fact]
    public void AFileName_IsUsedAsIs() =>
        Assert.Equal(Path.Combine(_root, "ocean.mp4"), SavePathResolver.ResolveTargetFile(Path.Combine(_root, "ocean.mp4"), "tk-1"));

    [Fact]
    public void ATaskIdCannotClimbOutOfTheDirectory()
    {
        var target = SavePathResolver.ResolveTargetFile(_root, "../../etc/passwd");

        Assert.Equal(_root, Path.GetDirectoryName(target));
        Assert.EndsWith(".mp4", target);
    }
}
