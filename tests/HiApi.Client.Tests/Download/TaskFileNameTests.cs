using System.Text;

namespace HiApi.Client.Tests;

/// <summary>What a -FileName script block returns becomes one portable .mp4 name in the folder, or an error naming the task (issue 18).</summary>
public sealed class TaskFileNameTests
{
    private static readonly HiApiTask Task = new("tk-a") { InputNumber = 5 };

    [Theory]
    [InlineData("scene-12", "scene-12.mp4")]
    [InlineData("scene-12.mp4", "scene-12.mp4")]
    [InlineData("scene-12.Mp4", "scene-12.Mp4")]
    [InlineData("  scene 12.  ", "scene 12.mp4")]
    [InlineData("nul", "_nul.mp4")]
    [InlineData("what?", "what_.mp4")]
    [InlineData(".hidden take", "_hidden take.mp4")]
    [InlineData("..x.mp4", "__x.mp4")]
    public void A_name_becomes_a_portable_mp4_name(string given, string expected)
    {
        Assert.Equal(expected, TaskFileName.From(given, Task, "-FileName {...}"));
    }

    [Theory]
    [InlineData("12/tk-a", "folder separator")]
    [InlineData("..\\tk-a", "folder separator")]
    [InlineData("..", "only dots")]
    [InlineData("...mp4", "only dots")]
    [InlineData("", "an empty name")]
    [InlineData("   ", "an empty name")]
    [InlineData(null, "an empty name")]
    public void A_name_that_is_not_one_file_in_the_folder_is_refused(string? given, string why)
    {
        var refused = Assert.Throws<HiApiException>(() => TaskFileName.From(given, Task, "-FileName {...}"));

        Assert.Equal(HiApiErrorKind.InvalidFileName, refused.Kind);
        Assert.Contains(why, refused.Message);
        Assert.StartsWith("-FileName {...} cannot name the file of task tk-a (input 5): ", refused.Message);
        Assert.EndsWith("Its video is not saved.", refused.Message);
    }

    [Fact]
    public void A_name_too_long_is_shortened_the_same_way_every_time_and_keeps_its_extension()
    {
        var name = TaskFileName.From(new string('s', 400), Task, "-FileName {...}");

        Assert.EndsWith(".mp4", name);
        Assert.True(Encoding.UTF8.GetByteCount(name) <= PortableFileName.MaxUtf8Bytes);
        Assert.Equal(name, TaskFileName.From(new string('s', 400), Task, "-FileName {...}"));
    }
}
