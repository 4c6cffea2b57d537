namespace HiApi.Client.Tests;

/// <summary>
/// Issue 16, end to end: storage cuts object A, and the resume finds object B there (another ETag, the same length,
/// a correct 206). The bytes of A and B spliced together still pass the structure check, so only the validators can
/// tell: the saved file must be exactly one object, never a splice.
/// </summary>
[Collection(NonParallelCollection.Name)]
public sealed class ReplacedObjectFlowTests
{
    private const long Size = 300_000;
    private const long CutAt = 100_000;

    [Theory]
    [InlineData(false)] // storage honours If-Range: the stale resume gets all of B with a 200
    [InlineData(true)] // storage serves B's bytes to the stale resume anyway: its ETag gives it away
    public async Task A_resume_that_finds_another_object_saves_that_object_whole_never_a_splice(bool storageIgnoresIfRange)
    {
        await using var harness = await EmulatorHarness.StartAsync(options => options.VideoSizeBytes = Size);
        var client = harness.Client();
        var task = await client.CreateTaskAsync(new VideoRequest { Prompt = "replaced under the download", Duration = 3 });
        var done = (await EmulatorHarness.WaitAllAsync(client, [task])).Single().Task;
        harness.Server.Options.TruncateEveryDownloadAtBytes = CutAt;
        harness.Server.Options.StorageReplacesObjectOnResume = true;
        harness.Server.Options.StorageIgnoresIfRange = storageIgnoresIfRange;
        var original = await DownloadWholeAsync(harness, done);
        harness.Server.ClearRequests();

        var target = Path.Combine(harness.Directory, $"{task.TaskId}.mp4");
        await new VideoDownloader().DownloadAsync(done, target, harness.Download());

        var saved = await File.ReadAllBytesAsync(target);
        var replacement = await DownloadWholeAsync(harness, done);
        Assert.Equal(Size, saved.Length);
        Assert.NotEqual(original, replacement);
        var fromA = saved.Zip(original).TakeWhile(pair => pair.First == pair.Second).Count();
        Assert.True(saved.AsSpan().SequenceEqual(replacement), $"saved the first {fromA} bytes of A and the rest of B: a splice");
    }

    /// <summary>The object storage holds now, fetched whole in one plain request (the cut switched off meanwhile).</summary>
    private static async Task<byte[]> DownloadWholeAsync(EmulatorHarness harness, HiApiTask task)
    {
        var cut = harness.Server.Options.TruncateEveryDownloadAtBytes;
        harness.Server.Options.TruncateEveryDownloadAtBytes = null;
        try
        {
            using var http = new HttpClient();
            return await http.GetByteArrayAsync(task.VideoUrl);
        }
        finally
        {
            harness.Server.Options.TruncateEveryDownloadAtBytes = cut;
        }
    }
}
