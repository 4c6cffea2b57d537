using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace HiApi.Bench.Scenarios;

/// <summary>
/// The baseline a user would write from the seeds, in C# with one plain <see cref="HttpClient"/>: for each clip,
/// submit, GET at once and then every 5 s until success (seed 003's <c>wait_for_video</c>), download, next clip.
/// Strictly sequential, as in the seeds; no retries, no ledger, no validation.
/// </summary>
internal sealed class SeedRecipe : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false });
    private readonly Uri _baseUri;
    private readonly string _folder;
    private readonly AuthenticationHeaderValue _authorization;

    public SeedRecipe(Uri baseUri, string key, string folder)
    {
        _baseUri = baseUri;
        _folder = folder;
        _authorization = new AuthenticationHeaderValue("Bearer", key);
    }

    public async Task<PipelineRun> RunAsync(int tasks, CancellationToken ct)
    {
        Directory.CreateDirectory(_folder);
        var savedAt = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var knownAt = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var problems = new List<string>();
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < tasks; i++)
        {
            var taskId = await SubmitAsync(i, ct);
            var (status, url) = await WaitAsync(taskId, ct);
            if (status != "success" || url is null)
            {
                problems.Add($"{taskId}: {status}");
                continue;
            }

            knownAt[taskId] = DateTimeOffset.UtcNow;
            await DownloadAsync(url, Path.Combine(_folder, taskId + ".mp4"), ct);
            savedAt[taskId] = DateTimeOffset.UtcNow;
        }

        stopwatch.Stop();
        return new PipelineRun(stopwatch.Elapsed, savedAt, knownAt, tasks - savedAt.Count, problems);
    }

    /// <summary>One create and one read, so the emulator's first-request costs (JIT, routing) are paid before any row.</summary>
    public async Task WarmUpServerAsync(CancellationToken ct)
    {
        for (var i = 0; i < 5; i++)
        {
            var taskId = await SubmitAsync(-1 - i, ct);
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_baseUri, "v1/tasks/" + taskId));
            request.Headers.Authorization = _authorization;
            using var response = await _http.SendAsync(request, ct);
            response.EnsureSuccessStatusCode();
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<string> SubmitAsync(int index, CancellationToken ct)
    {
        var body = JsonSerializer.Serialize(new
        {
            model = "happyhorse-1.1/text-to-video",
            input = new { prompt = $"benchmark clip {index}: a calm ocean wave at sunset", duration = 3, resolution = "720p" },
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_baseUri, "v1/tasks"))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = _authorization;
        using var response = await _http.SendAsync(request, ct);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        if (document.RootElement.GetProperty("code").GetInt32() != 200)
        {
            throw new InvalidOperationException($"create failed: {document.RootElement}");
        }

        return document.RootElement.GetProperty("data").GetProperty("taskId").GetString()!;
    }

    private async Task<(string Status, string? Url)> WaitAsync(string taskId, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(600);
        while (DateTime.UtcNow < deadline)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_baseUri, "v1/tasks/" + taskId));
            request.Headers.Authorization = _authorization;
            using var response = await _http.SendAsync(request, ct);
            var json = await response.Content.ReadAsStringAsync(ct);
            using var document = JsonDocument.Parse(json);
            var data = document.RootElement.GetProperty("data");
            var status = data.GetProperty("status").GetString() ?? "";
            if (status == "success")
            {
                return (status, data.GetProperty("output")[0].GetProperty("url").GetString());
            }

            if (status == "fail")
            {
                return (status, null);
            }

            await Task.Delay(PollInterval, ct);
        }

        return ("timeout", null);
    }

    /// <summary>Like the seeds' <c>download</c>: the signed URL, no key.</summary>
    private async Task DownloadAsync(string url, string path, CancellationToken ct)
    {
        using var response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
        response.EnsureSuccessStatusCode();
        await using var file = File.Create(path);
        await response.Content.CopyToAsync(file, ct);
    }
}
