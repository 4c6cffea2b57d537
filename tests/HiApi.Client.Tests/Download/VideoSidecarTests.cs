using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace HiApi.Client.Tests;

/// <summary>
/// The metadata beside each clip: what it holds, the same bytes on every OS and every run, written atomically, left alone
/// when it already holds them, and never over a file that is not one without -Force (issue 18).
/// </summary>
public sealed class VideoSidecarTests : IDisposable
{
    private static readonly byte[] Sample = EmulatorHarness.FixtureBytes();
    private readonly string _root = Directory.CreateTempSubdirectory("hiapi-sidecar-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static HiApiTask Task(decimal? cost = null, string notes = "wide") => new("tk-hiapi-01M8T2WWAYA230FX1Q5VZEMA5C")
    {
        Status = HiApiTaskStatus.Success,
        Model = HiApiModels.TextToVideo,
        Request = new VideoRequest { Prompt = "a lighthouse at dawn \u2014 \u706f\u53f0", Duration = 3 },
        Batch = "storyboard v3",
        InputNumber = 4,
        IdempotencyKey = "hv1.abc.1",
        Row = TaskRow.From([new("Scene", "12"), new("Notes", notes)]),
        CreatedAt = new DateTimeOffset(2026, 5, 1, 14, 30, 5, TimeSpan.FromHours(2)),
        CompletedAt = new DateTimeOffset(2026, 5, 1, 12, 31, 0, TimeSpan.Zero),
        EstimatedCostUsd = cost,
    };

    private FileInfo Video(string name = "012-1.mp4")
    {
        var path = Path.Combine(_root, name);
        File.WriteAllBytes(path, Sample);
        return new FileInfo(path);
    }

    [Fact]
    public async Task Holds_the_request_as_sent_the_row_the_task_and_the_videos_size_and_hash()
    {
        var video = Video();

        var result = await VideoSidecar.WriteAsync(Task(cost: 0.03m), video, force: false);

        Assert.True(result.Written);
        Assert.Equal(Path.Combine(_root, "012-1.mp4.json"), result.File.FullName);
        var text = File.ReadAllText(result.File.FullName);
        Assert.DoesNotContain("\r", text);
        Assert.EndsWith("}\n", text);
        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;
        Assert.Equal("hiapi-video-sidecar", root.GetProperty("format").GetString());
        Assert.Equal(1, root.GetProperty("version").GetInt32());
        Assert.Equal("012-1.mp4", root.GetProperty("video").GetString());
        Assert.Equal(Sample.Length, root.GetProperty("size").GetInt64());
        Assert.Equal(Convert.ToHexString(SHA256.HashData(Sample)).ToLowerInvariant(), root.GetProperty("sha256").GetString());
        Assert.Equal("tk-hiapi-01M8T2WWAYA230FX1Q5VZEMA5C", root.GetProperty("taskId").GetString());
        Assert.Equal(HiApiModels.TextToVideo, root.GetProperty("model").GetString());
        Assert.Equal(new DateTimeOffset(2026, 5, 1, 12, 30, 5, TimeSpan.Zero), root.GetProperty("createdAt").GetDateTimeOffset());
        Assert.Equal("2026-05-01T12:31:00+00:00", root.GetProperty("completedAt").GetString());
        Assert.Equal("storyboard v3", root.GetProperty("batch").GetString());
        Assert.Equal(4, root.GetProperty("inputNumber").GetInt32());
        Assert.Equal("hv1.abc.1", root.GetProperty("idempotencyKey").GetString());
        Assert.Equal(0.03m, root.GetProperty("estimatedCostUsd").GetDecimal());
        Assert.Equal(Task().Request!.BodyText, root.GetProperty("request").GetRawText()); // the body exactly as sent
        Assert.Equal("a lighthouse at dawn \u2014 \u706f\u53f0", root.GetProperty("request").GetProperty("input").GetProperty("prompt").GetString());
        Assert.Equal("{\"Scene\":\"12\",\"Notes\":\"wide\"}", JsonSerializer.Serialize(root.GetProperty("row")));
        Assert.DoesNotContain(Directory.GetFiles(_root), path => path.EndsWith(".partial", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_estimate_is_left_out_and_unknown_times_and_a_missing_row_are_null()
    {
        var bare = new HiApiTask("tk-1") { Status = HiApiTaskStatus.Success };

        using var json = JsonDocument.Parse(VideoSidecar.Build(bare, "tk-1.mp4", 10, "00"));

        Assert.False(json.RootElement.TryGetProperty("estimatedCostUsd", out _));
        foreach (var name in new[] { "model", "createdAt", "completedAt", "batch", "inputNumber", "idempotencyKey", "request", "row" })
        {
            Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty(name).ValueKind);
        }
    }

    [Fact]
    public async Task A_sidecar_that_already_holds_the_same_bytes_is_not_rewritten_and_a_changed_one_is()
    {
        var video = Video();
        var first = await VideoSidecar.WriteAsync(Task(), video, force: false);
        var stamp = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(first.File.FullName, stamp);

        var again = await VideoSidecar.WriteAsync(Task(), video, force: false);

        Assert.False(again.Written);
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(first.File.FullName));

        var edited = await VideoSidecar.WriteAsync(Task(notes: "wider"), video, force: false);

        Assert.True(edited.Written);
        Assert.Contains("\"Notes\": \"wider\"", File.ReadAllText(edited.File.FullName));
        Assert.Equal(2, Directory.GetFiles(_root).Length); // the video and its sidecar: no temporary file left
    }

    [Fact]
    public async Task A_file_in_its_place_that_is_not_a_sidecar_is_kept_unless_force()
    {
        var video = Video();
        var theirs = VideoSidecar.PathFor(video.FullName);
        File.WriteAllText(theirs, "{\"mine\": true}");

        var refused = await Assert.ThrowsAsync<HiApiException>(() => VideoSidecar.WriteAsync(Task(), video, force: false));

        Assert.Equal(HiApiErrorKind.FileExists, refused.Kind);
        Assert.Contains("is saved, but", refused.Message);
        Assert.Equal("{\"mine\": true}", File.ReadAllText(theirs));
        Assert.True((await VideoSidecar.WriteAsync(Task(), video, force: true)).Written);
        Assert.True(VideoSidecar.IsSidecar(File.ReadAllBytes(theirs)));
    }

    [Fact]
    public async Task A_temporary_sidecar_a_killed_process_left_is_removed_by_the_next_write()
    {
        var video = Video();
        var abandoned = Path.Combine(_root, ".012-1.mp4.json.0badc0de.partial");
        File.WriteAllText(abandoned, "{");

        await VideoSidecar.WriteAsync(Task(), video, force: false);

        Assert.False(File.Exists(abandoned));
    }

    [Fact]
    public void The_sidecar_of_a_name_too_long_still_fits_a_file_name()
    {
        var name = new string('s', 251) + ".mp4";

        var sidecar = Path.GetFileName(VideoSidecar.PathFor(Path.Combine(_root, name)));

        Assert.EndsWith(".json", sidecar);
        Assert.True(Encoding.UTF8.GetByteCount(sidecar) <= PortableFileName.MaxUtf8Bytes);
        Assert.Equal(sidecar, Path.GetFileName(VideoSidecar.PathFor(Path.Combine(_root, name)))); // the same every time
        Assert.Equal("012-1.mp4.json", Path.GetFileName(VideoSidecar.PathFor(Path.Combine(_root, "012-1.mp4"))));
    }
}
