using System.Buffers.Binary;
using System.Net;
using HiApi.Contract.Tests.Support;

namespace HiApi.Contract.Tests.Contract;

/// <summary>
/// Output storage: a signed URL needs no key and serves a small valid MP4 (the fixture, byte for byte), with Range;
/// a changed URL is refused, and so is the URL from its expireAt on.
/// </summary>
public sealed class StorageContractTests : ContractTest
{
    private static readonly byte[] Fixture = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", "sample.mp4"));

    [Theory]
    [MemberData(nameof(ContractServer.Names), MemberType = typeof(ContractServer))]
    public async Task The_output_url_serves_the_valid_mp4_without_a_key_and_resumes_with_Range(string serverName)
    {
        var (_, api) = await StartAsync(serverName);
        var url = await FinishedOutputUrlAsync(api);

        var whole = await api.GetAsync(url, key: null);
        var tail = await api.GetAsync(url, key: null, range: "bytes=1000-");
        var suffix = await api.GetAsync(url, key: null, range: "bytes=-100");
        var pastTheEnd = await api.GetAsync(url, key: null, range: $"bytes={Fixture.Length}-");
        var head = await api.GetAsync(url, key: null, method: HttpMethod.Head);

        Assert.Equal(HttpStatusCode.OK, whole.Status);
        Assert.Equal("video/mp4", whole.ContentHeaders.ContentType!.MediaType);
        Assert.Equal(Fixture, whole.Bytes);
        Assert.Equal(["ftyp", "moov", "free", "mdat"], TopLevelBoxes(whole.Bytes));
        Assert.Equal(HttpStatusCode.PartialContent, tail.Status);
        Assert.Equal($"bytes 1000-{Fixture.Length - 1}/{Fixture.Length}", tail.ContentHeaders.ContentRange!.ToString());
        Assert.Equal(Fixture[1000..], tail.Bytes);
        Assert.Equal(Fixture[^100..], suffix.Bytes);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, pastTheEnd.Status);
        Assert.Equal(HttpStatusCode.OK, head.Status);
        Assert.Equal(Fixture.Length, head.ContentHeaders.ContentLength);
        Assert.Empty(head.Bytes);
        Assert.Contains("bytes", whole.Headers.AcceptRanges);
    }

    [Theory]
    [MemberData(nameof(ContractServer.Names), MemberType = typeof(ContractServer))]
    public async Task A_changed_url_is_403_Signature_does_not_match(string serverName)
    {
        var (_, api) = await StartAsync(serverName);
        var url = await FinishedOutputUrlAsync(api);
        var expires = url.Split("expires=")[1].Split('&')[0];

        var later = await api.GetAsync(url.Replace($"expires={expires}", $"expires={long.Parse(expires) + 1}"), key: null);
        var otherSig = await api.GetAsync(url[..^1] + (url[^1] == '0' ? '1' : '0'), key: null);

        foreach (var answer in new[] { later, otherSig })
        {
            Assert.Equal(HttpStatusCode.Forbidden, answer.Status);
            Assert.Equal("Signature does not match", answer.Body);
        }
    }

    [Theory]
    [MemberData(nameof(ContractServer.Names), MemberType = typeof(ContractServer))]
    public async Task From_expireAt_on_the_url_is_403_Request_has_expired(string serverName)
    {
        var (_, api) = await StartAsync(serverName, new ContractSettings { OutputLifetimeSeconds = 0, RenderMs = 0 });
        var created = await api.CreateAsync(ApiCalls.TextBody());
        var (final, _) = await api.WaitForTerminalAsync(created.TaskId);
        var output = final.Data.GetProperty("output")[0];
        var url = output.GetProperty("url").GetString()!;
        var expireAt = DateTimeOffset.FromUnixTimeSeconds(output.GetProperty("expireAt").GetInt64());

        // The lifetime is 0: expireAt is the success time rounded up to the next second. Ask once it has passed.
        while (DateTimeOffset.UtcNow < expireAt.AddMilliseconds(50))
        {
            await Task.Delay(expireAt.AddMilliseconds(50) - DateTimeOffset.UtcNow);
        }

        var answer = await api.GetAsync(url, key: null);

        Assert.Equal(HttpStatusCode.Forbidden, answer.Status);
        Assert.Equal("Request has expired", answer.Body);
    }

    private static async Task<string> FinishedOutputUrlAsync(ApiCalls api)
    {
        var created = await api.CreateAsync(ApiCalls.TextBody());
        var (final, _) = await api.WaitForTerminalAsync(created.TaskId);
        return final.Data.GetProperty("output")[0].GetProperty("url").GetString()!;
    }

    private static List<string> TopLevelBoxes(byte[] mp4)
    {
        var boxes = new List<string>();
        for (var offset = 0; offset + 8 <= mp4.Length;)
        {
            var size = (int)BinaryPrimitives.ReadUInt32BigEndian(mp4.AsSpan(offset));
            boxes.Add(System.Text.Encoding.ASCII.GetString(mp4, offset + 4, 4));
            offset += size;
        }

        return boxes;
    }
}
