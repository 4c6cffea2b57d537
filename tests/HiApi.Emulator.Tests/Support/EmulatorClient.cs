using System.Net.Http.Headers;
using System.Text;

namespace HiApi.Emulator.Tests.Support;

/// <summary>A thin raw-HTTP client for the emulator: the tests send exact bytes and read exact bytes.</summary>
public sealed class EmulatorClient : IDisposable
{
    private readonly HttpClient _http;

    public EmulatorClient(EmulatorServer server, TimeSpan? timeout = null)
    {
        // UTF-8 header values, so tests can send non-ASCII Idempotency-Keys.
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false, RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8 })
        {
            BaseAddress = server.BaseAddress,
            Timeout = timeout ?? TimeSpan.FromSeconds(30),
        };
    }

    public HttpClient Http => _http;

    public Task<ApiResponse> CreateAsync(string json, string? key = TestKeys.AllModels, string contentType = "application/json",
        string? idempotencyKey = null, CancellationToken cancellation = default) =>
        SendAsync(HttpMethod.Post, "v1/tasks", key, new StringContent(json, Encoding.UTF8, contentType),
            idempotencyKey is null ? null : new Dictionary<string, string> { ["Idempotency-Key"] = idempotencyKey }, cancellation);

    public Task<ApiResponse> CreateTextTaskAsync(string prompt = "a calm ocean wave at sunset", int? duration = 3,
        string? key = TestKeys.AllModels, string? callbackUrl = null, string? idempotencyKey = null)
    {
        var input = new Dictionary<string, object> { ["prompt"] = prompt };
        if (duration is { } seconds)
        {
            input["duration"] = seconds;
        }
        var body = new Dictionary<string, object> { ["model"] = Models.TextToVideo, ["input"] = input };
        if (callbackUrl is not null)
        {
            body["callback"] = new Dictionary<string, string> { ["url"] = callbackUrl, ["when"] = "final" };
        }
        return CreateAsync(System.Text.Json.JsonSerializer.Serialize(body), key, idempotencyKey: idempotencyKey);
    }

    public Task<ApiResponse> GetTaskAsync(string taskId, string? key = TestKeys.AllModels) =>
        SendAsync(HttpMethod.Get, $"v1/tasks/{taskId}", key, null);

    public async Task<ApiResponse> SendAsync(HttpMethod method, string path, string? key, HttpContent? content,
        IReadOnlyDictionary<string, string>? headers = null, CancellationToken cancellation = default)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        using var response = await _http.SendAsync(request, cancellation);
        var body = await response.Content.ReadAsStringAsync(cancellation);
        return new ApiResponse(response.StatusCode, body, response.Headers, response.Content.Headers.ContentType?.ToString());
    }

    /// <summary>Polls the task until it is terminal and returns the final answer.</summary>
    public async Task<ApiResponse> WaitForTerminalAsync(string taskId, string key = TestKeys.AllModels)
    {
        ApiResponse? last = null;
        await Poll.UntilAsync(async () =>
        {
            last = await GetTaskAsync(taskId, key);
            return last.TaskStatus is "success" or "fail";
        }, $"task {taskId} to finish");
        return last!;
    }

    public void Dispose() => _http.Dispose();
}
