using System.Net.Http.Headers;
using System.Text;

namespace HiApi.Contract.Tests.Support;

/// <summary>Raw HTTP against a contract server: the bytes as a client sends them, the answer as it comes.</summary>
public sealed class ApiCalls(ContractServer server) : IDisposable
{
    public const string TextToVideo = "happyhorse-1.1/text-to-video";

    /// <summary>No proxy, no retries, no redirects: what a test sends is what the server gets.</summary>
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
    {
        BaseAddress = server.BaseUri,
        Timeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>Means "use the server's key"; pass null for no Authorization header, or another text for a wrong key.</summary>
    public const string ServerKey = "\u0001server";

    public static string TextBody(string prompt = "a calm ocean wave", int duration = 3, string? callbackUrl = null) =>
        callbackUrl is null
            ? $$$"""{"model":"{{{TextToVideo}}}","input":{"prompt":"{{{prompt}}}","duration":{{{duration}}}}}"""
            : $$$"""{"model":"{{{TextToVideo}}}","input":{"prompt":"{{{prompt}}}","duration":{{{duration}}}},"callback":{"url":"{{{callbackUrl}}}","when":"final"}}""";

    public Task<ApiAnswer> CreateAsync(
        string body, string? key = ServerKey, string? idempotencyKey = null, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "v1/tasks") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }

        return SendAsync(request, key);
    }

    public Task<ApiAnswer> GetAsync(string path, string? key = ServerKey, string? range = null, HttpMethod? method = null)
    {
        var request = new HttpRequestMessage(method ?? HttpMethod.Get, path);
        if (range is not null)
        {
            request.Headers.TryAddWithoutValidation("Range", range);
        }

        return SendAsync(request, key);
    }

    /// <summary>The task's data once its status is success or fail; every status seen on the way, in order.</summary>
    public async Task<(ApiAnswer Final, List<string> Seen)> WaitForTerminalAsync(string taskId, TimeSpan? within = null)
    {
        var seen = new List<string>();
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var answer = await GetAsync($"v1/tasks/{taskId}");
            var status = answer.Data.GetProperty("status").GetString()!;
            if (seen.Count == 0 || seen[^1] != status)
            {
                seen.Add(status);
            }

            if (status is "success" or "fail")
            {
                return (answer, seen);
            }

            Assert.True(DateTime.UtcNow < deadline, $"Task {taskId} did not finish; statuses seen: {string.Join(", ", seen)}.");
            await Task.Delay(10);
        }
    }

    private async Task<ApiAnswer> SendAsync(HttpRequestMessage request, string? key)
    {
        using (request)
        {
            if (key is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + (key == ServerKey ? server.ApiKey : key));
            }

            using var response = await _http.SendAsync(request);
            var bytes = await response.Content.ReadAsByteArrayAsync();
            return new ApiAnswer(response.StatusCode, response.Headers, response.Content.Headers, Encoding.UTF8.GetString(bytes), bytes);
        }
    }

    public void Dispose() => _http.Dispose();
}
