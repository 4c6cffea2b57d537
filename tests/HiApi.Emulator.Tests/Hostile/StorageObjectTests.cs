using System.Net;
using System.Net.Http.Headers;
using System.Text;
using HiApi.Emulator.Tests.Support;

namespace HiApi.Emulator.Tests.Hostile;

/// <summary>
/// Storage names its object like real object storage (a strong ETag, a Last-Modified), honours If-Range, and can be
/// hostile about it: replace the object on the first resume (StorageReplacesObjectOnResume), or serve a Range from
/// whatever object is there now, If-Range or not (StorageIgnoresIfRange).
/// </summary>
public sealed class StorageObjectTests : EmulatorTestBase
{
    private static async Task<HttpResponseMessage> GetAsync(EmulatorClient client, string url, long? from = null, string? ifRange = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (from is { } start)
        {
            request.Headers.Range = new RangeHeaderValue(start, null);
        }

        if (ifRange is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Range", ifRange);
        }

        return await client.Http.SendAsync(request);
    }

    [Fact]
    public async Task Every_answer_names_the_object_with_a_strong_ETag_and_a_Last_Modified_date()
    {
        var (url, _) = await Downloads.FinishedOutputAsync(Client);

        using var whole = await GetAsync(Client, url);
        using var part = await GetAsync(Client, url, from: 1000);

        Assert.False(whole.Headers.ETag!.IsWeak);
        Assert.Equal(whole.Headers.ETag, part.Headers.ETag);
        Assert.NotNull(whole.Content.Headers.LastModified);
        Assert.Equal(whole.Content.Headers.LastModified, part.Content.Headers.LastModified);
    }

    [Fact]
    public async Task If_Range_naming_the_object_gets_the_range_and_anything_else_gets_the_whole_file()
    {
        var (url, _) = await Downloads.FinishedOutputAsync(Client);
        using var first = await GetAsync(Client, url);
        var eTag = first.Headers.ETag!.ToString();
        var date = first.Content.Headers.NonValidated["Last-Modified"].ToString();

        using var byTag = await GetAsync(Client, url, 1000, eTag);
        using var byDate = await GetAsync(Client, url, 1000, date);
        using var otherTag = await GetAsync(Client, url, 1000, "\"another\"");
        using var weakTag = await GetAsync(Client, url, 1000, "W/" + eTag);
        using var otherDate = await GetAsync(Client, url, 1000, "Sun, 06 Nov 1994 08:49:37 GMT");

        Assert.Equal(HttpStatusCode.PartialContent, byTag.StatusCode);
        Assert.Equal(HttpStatusCode.PartialContent, byDate.StatusCode);
        Assert.Equal(FixtureVideo.Bytes[1000..], await byTag.Content.ReadAsByteArrayAsync());
        foreach (var stale in new[] { otherTag, weakTag, otherDate })
        {
            Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
            Assert.Equal(FixtureVideo.Bytes, await stale.Content.ReadAsByteArrayAsync());
        }
    }

    [Fact]
    public async Task StorageReplacesObjectOnResume_answers_a_stale_If_Range_with_the_whole_new_object()
    {
        var (url, _) = await Downloads.FinishedOutputAsync(Client);
        Server.Options.StorageReplacesObjectOnResume = true;
        using var original = await GetAsync(Client, url);
        var originalTag = original.Headers.ETag!.ToString();

        using var resumed = await GetAsync(Client, url, 1000, originalTag);
        var replacement = await resumed.Content.ReadAsByteArrayAsync();
        using var next = await GetAsync(Client, url, 1000, resumed.Headers.ETag!.ToString());

        Assert.Equal(FixtureVideo.Bytes, await original.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        Assert.NotEqual(originalTag, resumed.Headers.ETag!.ToString());
        Assert.True(resumed.Content.Headers.LastModified > original.Content.Headers.LastModified);
        AssertSameBoxesOtherMedia(FixtureVideo.Bytes, replacement);
        Assert.Equal(HttpStatusCode.PartialContent, next.StatusCode);
        Assert.Equal(replacement[1000..], await next.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task StorageIgnoresIfRange_serves_the_range_from_the_new_object_whatever_If_Range_says()
    {
        var (url, _) = await Downloads.FinishedOutputAsync(Client);
        Server.Options.StorageReplacesObjectOnResume = true;
        Server.Options.StorageIgnoresIfRange = true;
        using var original = await GetAsync(Client, url);

        using var resumed = await GetAsync(Client, url, 1000, original.Headers.ETag!.ToString());
        var tail = await resumed.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.PartialContent, resumed.StatusCode);
        Assert.NotEqual(original.Headers.ETag, resumed.Headers.ETag);
        Assert.NotEqual(FixtureVideo.Bytes[1000..], tail);
        Assert.Equal(FixtureVideo.Bytes.Length - 1000, tail.Length);
    }

    [Fact]
    public async Task A_replaced_padded_video_differs_in_its_padding_too()
    {
        Server.Options.VideoSizeBytes = 100_000;
        Server.Options.StorageReplacesObjectOnResume = true;
        var (url, _) = await Downloads.FinishedOutputAsync(Client);
        using var original = await GetAsync(Client, url);
        var a = await original.Content.ReadAsByteArrayAsync();

        using var resumed = await GetAsync(Client, url, 1, original.Headers.ETag!.ToString());
        var b = await resumed.Content.ReadAsByteArrayAsync();

        AssertSameBoxesOtherMedia(a, b);
        Assert.NotEqual(a[^1], b[^1]); // a splice anywhere in the padding would show
    }

    [Fact]
    public async Task Both_switches_are_options_set_through_config()
    {
        using var put = await Client.Http.PutAsync("_emulator/config",
            new StringContent("""{"storageReplacesObjectOnResume":true,"storageIgnoresIfRange":true}""", Encoding.UTF8, "application/json"));
        var config = await Client.Http.GetStringAsync("_emulator/config");

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.True(Server.Options.StorageReplacesObjectOnResume && Server.Options.StorageIgnoresIfRange);
        Assert.Contains("\"storageReplacesObjectOnResume\":true", config);
        Assert.Contains("\"storageIgnoresIfRange\":true", config);
        Assert.False(new EmulatorOptions().StorageReplacesObjectOnResume || new EmulatorOptions().StorageIgnoresIfRange);
    }

    /// <summary>The same length and top-level boxes (headers byte for byte), and other bytes inside them.</summary>
    private static void AssertSameBoxesOtherMedia(byte[] a, byte[] b)
    {
        Assert.Equal(a.Length, b.Length);
        Assert.NotEqual(a, b);
        for (var offset = 0L; offset < a.Length;)
        {
            Assert.Equal(a.AsSpan((int)offset, 8).ToArray(), b.AsSpan((int)offset, 8).ToArray());
            var size = (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(a.AsSpan((int)offset));
            Assert.True(size >= 8, $"box at {offset}");
            offset += size;
        }
    }
}
