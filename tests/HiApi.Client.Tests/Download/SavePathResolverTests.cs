using System.Globalization;
using System.Text;

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

    [Theory]
    [InlineData("tk\u0000a")]
    [InlineData("tk\u001b[31mred")]
    [InlineData("tk\u007f\u0085\u009b")]
    [InlineData("tk\u200e\u202e\ufeffgpj.exe")]
    [InlineData("tk\r\nx\ty")]
    [InlineData(null)] // a lone surrogate, built at run time: an attribute cannot carry one
    public void ControlAndFormatCharacters_DoNotSurviveInTheFileName(string? taskId)
    {
        taskId ??= "tk" + '\ud800' + "x" + '\udc00';
        var name = Path.GetFileName(SavePathResolver.ResolveTargetFile(_root, taskId));

        Assert.EndsWith(".mp4", name);
        Assert.StartsWith("tk", name);
        Assert.DoesNotContain(name.EnumerateRunes(), rune => Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format);
        Assert.DoesNotContain(name, char.IsSurrogate);
    }

    [Theory]
    [InlineData('a', 300)]
    [InlineData('a', 252)]
    [InlineData('\u65e5', 200)] // three UTF-8 bytes each
    public void AnIdTooLongForAFileName_IsShortenedDeterministically(char character, int count)
    {
        var taskId = new string(character, count);
        var target = SavePathResolver.ResolveTargetFile(_root, taskId);
        var name = Path.GetFileName(target);

        Assert.InRange(Encoding.UTF8.GetByteCount(name), 1, 255);
        Assert.EndsWith(".mp4", name);
        Assert.Equal(_root, Path.GetDirectoryName(target));
        Assert.Equal(target, SavePathResolver.ResolveTargetFile(_root, taskId)); // a re-run finds the same name
        Assert.NotEqual(target, SavePathResolver.ResolveTargetFile(_root, taskId + character)); // a longer id is another file
        Assert.StartsWith(new string(character, 10), name);
    }

    [Fact]
    public void AnIdThatFits_IsKeptWhole()
    {
        var taskId = new string('a', 251); // 251 + ".mp4" = 255 bytes

        Assert.Equal(taskId + ".mp4", Path.GetFileName(SavePathResolver.ResolveTargetFile(_root, taskId)));
    }
}
