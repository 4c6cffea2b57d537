namespace HiApi.Client.Tests;

/// <summary>The probe asks the file system itself, leaves nothing behind, and assumes the worst where it cannot ask.</summary>
public sealed class FolderNamingTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("hiapi-naming-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void TheProbe_FindsWhatThisFileSystemDoes_AndLeavesNoFileBehind()
    {
        // Asked independently: does a file show up under its upper-case name here?
        var lower = Path.Combine(_root, "case-check");
        File.WriteAllText(lower, "x");
        var ignoresCase = File.Exists(Path.Combine(_root, "CASE-CHECK"));
        File.Delete(lower);

        var naming = FolderNaming.Probe(_root);

        Assert.Equal(ignoresCase, naming.IgnoresCase);
        Assert.Empty(Directory.GetFileSystemEntries(_root));
    }

    [Fact]
    public void AFolderNotCreatedYet_IsProbedThroughItsNearestExistingParent()
    {
        var naming = FolderNaming.Probe(Path.Combine(_root, "not", "yet"));

        Assert.Equal(FolderNaming.Probe(_root), naming);
        Assert.False(Directory.Exists(Path.Combine(_root, "not")));
    }

    [Fact]
    public void AFolderThatCannotBeProbed_IsTakenToIgnoreCaseAndNormalization()
    {
        // A file where the folder must go: nothing can be created there (whoever runs the test, root included).
        var blocker = Path.Combine(_root, "blocker");
        File.WriteAllText(blocker, "a file, not a folder");

        Assert.Equal(FolderNaming.Unknown, FolderNaming.Probe(Path.Combine(blocker, "clips")));
        Assert.Equal(new[] { blocker }, Directory.GetFileSystemEntries(_root));
    }

    [Theory]
    [InlineData("/c/A.mp4", "/c/a.mp4", true, false, true)]
    [InlineData("/c/A.mp4", "/c/a.mp4", false, false, false)]
    [InlineData("/c/caf\u00e9.mp4", "/c/cafe\u0301.mp4", false, true, true)]
    [InlineData("/c/caf\u00e9.mp4", "/c/cafe\u0301.mp4", true, false, false)]
    [InlineData("/c/a.mp4", "/c/b.mp4", true, true, false)]
    public void SameFile_AsksTheFolderOnlyWhenTheNamesDifferByCaseOrNormalization(string a, string b, bool ignoresCase, bool ignoresNormalization, bool same)
    {
        var probes = 0;
        Assert.Equal(same, FolderNaming.SameFile(a, b, _ => { probes++; return new FolderNaming(ignoresCase, ignoresNormalization); }));
        Assert.True(FolderNaming.SameFile(a, a, _ => throw new InvalidOperationException("no probe for identical text")));
        Assert.Equal(a.ToUpperInvariant() == b.ToUpperInvariant() || a.Normalize() == b.Normalize() ? 1 : 0, probes);
    }
}
