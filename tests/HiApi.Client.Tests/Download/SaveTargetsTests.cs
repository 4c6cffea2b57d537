namespace HiApi.Client.Tests;

/// <summary>
/// No two tasks of one save command land on one file: the second is an error naming both tasks and the file, never
/// a skip or an overwrite, and "one file" is what the target folder's file system says, probed once per folder (a
/// simulated NTFS/APFS here, on Linux).
/// </summary>
public sealed class SaveTargetsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("hiapi-targets-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static HiApiTask Task(string id) => new(id) { Status = HiApiTaskStatus.Success };

    private string In(string name) => Path.Combine(_root, name);

    [Fact]
    public void ASecondTaskAimedAtATakenFileName_IsAnError_NamingBothTasksAndTheFile()
    {
        var targets = new SaveTargets();

        Assert.True(targets.TryClaim(Task("tk-a"), In("one.mp4"), out var none));
        Assert.Null(none);
        Assert.False(targets.TryClaim(Task("tk-b"), In("one.mp4"), out var collision));

        Assert.Equal(HiApiErrorKind.FileNameCollision, collision!.Kind);
        Assert.Equal("tk-b", collision.TaskId);
        Assert.StartsWith($"Tasks tk-a and tk-b would both be saved to '{In("one.mp4")}'; the video of tk-b is not downloaded.", collision.Message);
    }

    [Fact]
    public void A_collision_names_each_tasks_input_and_ends_in_the_advice_given()
    {
        var targets = new SaveTargets();
        targets.TryClaim(new HiApiTask("tk-a") { InputNumber = 2 }, In("012-3.mp4"), out _);

        Assert.False(targets.TryClaim(new HiApiTask("tk-b") { InputNumber = 5 }, In("012-3.mp4"), out var collision, "Make -FileName differ."));

        Assert.Equal($"Tasks tk-a (input 2) and tk-b (input 5) would both be saved to '{In("012-3.mp4")}'; the video of tk-b is not downloaded. Make -FileName differ.", collision!.Message);
    }

    [Fact]
    public void TheSameTaskGivenTwice_IsSavedOnce_WithoutAnError()
    {
        var targets = new SaveTargets();

        Assert.True(targets.TryClaim(Task("tk-a"), In("tk-a.mp4"), out _));
        Assert.False(targets.TryClaim(Task("tk-a"), In("tk-a.mp4"), out var collision));
        Assert.Null(collision);
    }

    [Fact]
    public void NamesThatDifferOnlyByCase_AreOneFile_WhereTheFolderIgnoresCase()
    {
        var targets = new SaveTargets(_ => new FolderNaming(IgnoresCase: true, IgnoresNormalization: false));

        Assert.True(targets.TryClaim(Task("tk-ABC"), In("tk-ABC.mp4"), out _));
        Assert.False(targets.TryClaim(Task("tk-abc"), In("tk-abc.mp4"), out var collision));

        Assert.Contains("Tasks tk-ABC and tk-abc would both be saved to", collision!.Message);
        Assert.Contains("('tk-ABC.mp4' and 'tk-abc.mp4' are one file in that folder: its file system ignores case)", collision.Message);
    }

    [Fact]
    public void NamesThatDifferOnlyByNormalization_AreOneFile_WhereTheFolderIgnoresIt()
    {
        var targets = new SaveTargets(_ => new FolderNaming(IgnoresCase: true, IgnoresNormalization: true));

        Assert.True(targets.TryClaim(Task("caf\u00e9"), In("caf\u00e9.mp4"), out _));
        Assert.False(targets.TryClaim(Task("cafe\u0301"), In("cafe\u0301.mp4"), out var collision));
        Assert.Contains("ignores case and Unicode normalization", collision!.Message);
    }

    [Fact]
    public void NamesThatDifferOnlyByCase_AreTwoFiles_WhereTheFolderTellsThemApart()
    {
        var targets = new SaveTargets(_ => new FolderNaming(IgnoresCase: false, IgnoresNormalization: false));

        Assert.True(targets.TryClaim(Task("tk-ABC"), In("tk-ABC.mp4"), out _));
        Assert.True(targets.TryClaim(Task("tk-abc"), In("tk-abc.mp4"), out _));
    }

    [Fact]
    public void EachFolderIsProbedOnce()
    {
        var probed = new List<string>();
        var targets = new SaveTargets(folder =>
        {
            probed.Add(folder);
            return new FolderNaming(false, false);
        });

        for (var i = 0; i < 5; i++)
        {
            targets.TryClaim(Task($"tk-{i}"), In($"tk-{i}.mp4"), out _);
            targets.TryClaim(Task($"tk-{i}"), Path.Combine(_root, "sub", $"tk-{i}.mp4"), out _);
        }

        Assert.Equal(new[] { _root, Path.Combine(_root, "sub") }, probed);
    }
}
