using System.Net.Http.Headers;

namespace HiApi.Emulator.Tests.Support;

/// <summary>Helpers to get a finished task's output URL and fetch it the way a client would, with no Authorization.</summary>
public static class Downloads
{
    public static async Task<(string Url, long ExpireAt)> FinishedOutputAsync(EmulatorClient client, string? prompt = null)
    {
        var created = await client.CreateTextTaskAsync(prompt: prompt ?? "a calm ocean wave at sunset");
        var final = await client.WaitForTerminalAsync(created.TaskId);
        var output = final.Json.GetProperty("data").GetProperty("output")[0];
        return (output.GetProperty("url").GetString()!, output.GetProperty("expireAt").GetInt64());
    }

    public static async Task<HttpResponseMessage> GetAsync(EmulatorClient client, string url, RangeHeaderValue? range = null,
        HttpMethod? method = null)
    {
        var request = new HttpRequestMessage(method ?? HttpMethod.Get, url);
        request.Headers.Range = range;
        Assert.Null(request.Headers.Authorization);
        return await client.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    /// <summary>Reads what arrives until the server cuts the connection; returns the bytes and whether it was cut.</summary>
    public static async Task<(byte[] Bytes, bool Cut)> ReadUntilCutAsync(HttpResponseMessage response)
    {
        using var received = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync();
            int read;
            while ((read = await body.ReadAsync(buffer)) > 0)
            {
                received.Write(buffer, 0, read);
            }
            return (received.ToArray(), false);
        }
        catch (Exception error) when (error is IOException or HttpRequestException)
        {
            return (received.ToArray(), true);
        }
    }
}
