using System.Text;
using System.Text.Json;
using HiApi.Mock.Hosting;

namespace HiApi.Mock.Api;

/// <summary>Routes each request to its endpoint and records it (never the key: only whether one came).</summary>
internal sealed class MockApi(MockState state)
{
    private readonly CreateEndpoint _create = new(state);
    private readonly TaskReadEndpoints _reads = new(state);
    private readonly StorageEndpoint _storage = new(state);
    private readonly PricingEndpoint _pricing = new(state);

    public async Task<MockHttpResponse> HandleAsync(MockHttpRequest request, CancellationToken stopping)
    {
        var at = state.Clock.GetUtcNow();
        var (kind, response) = await RouteAsync(request, stopping).ConfigureAwait(false);
        state.Requests.Add(Describe(request, kind, response, at));
        return response;
    }

    private async Task<(string Kind, MockHttpResponse Response)> RouteAsync(MockHttpRequest request, CancellationToken stopping)
    {
        var method = request.Method.ToUpperInvariant();
        var path = request.Path;
        if (path == "/v1/tasks")
        {
            return method switch
            {
                "POST" => ("create", await _create.HandleAsync(request, stopping).ConfigureAwait(false)),
                "GET" => ("list", _reads.List(request)),
                _ => ("other", MethodNotAllowed("GET, POST")),
            };
        }

        if (path.StartsWith(TaskReadEndpoints.Prefix, StringComparison.Ordinal) && path.Length > TaskReadEndpoints.Prefix.Length)
        {
            return method == "GET" ? ("get", _reads.Get(request)) : ("other", MethodNotAllowed("GET"));
        }

        if (path.StartsWith("/v1/", StringComparison.Ordinal) || path == "/v1")
        {
            return ("other", TaskReadEndpoints.NotFound("route not found"));
        }

        if (path.StartsWith(StorageEndpoint.Prefix, StringComparison.Ordinal))
        {
            return method is "GET" or "HEAD" ? ("download", _storage.Download(request)) : ("other", MethodNotAllowed("GET, HEAD"));
        }

        if (path == PricingEndpoint.Path)
        {
            return method == "GET" ? ("pricing", _pricing.Get()) : ("other", MethodNotAllowed("GET"));
        }

        return ("other", MockHttpResponse.PlainText(404, "Not Found"));
    }

    private static MockHttpResponse MethodNotAllowed(string allowed) =>
        MockHttpResponse.Json(405, ApiJson.Error(405, "METHOD_NOT_ALLOWED", "method not allowed")).WithHeader("Allow", allowed);

    private static MockRequest Describe(MockHttpRequest request, string kind, MockHttpResponse response, DateTimeOffset at)
    {
        string? body = null, model = null, prompt = null;
        int? duration = null;
        if (kind == "create")
        {
            body = Encoding.UTF8.GetString(request.Body);
            (model, prompt, duration) = ReadCreate(request.Body);
        }

        return new MockRequest(at, request.Method, request.Path, request.Query, kind, response.Status,
            request.Header("Authorization") is not null, request.Utf8Header("Idempotency-Key"), response.Replay, response.TaskId,
            body, model, prompt, duration);
    }

    /// <summary>What a test most often asks of a create, read leniently: whatever is not there (or not JSON) is null.</summary>
    private static (string? Model, string? Prompt, int? Duration) ReadCreate(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, null, null);
            }

            var model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            if (!root.TryGetProperty("input", out var input) || input.ValueKind != JsonValueKind.Object)
            {
                return (model, null, null);
            }

            var prompt = input.TryGetProperty("prompt", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
            int? duration = input.TryGetProperty("duration", out var d) && d.ValueKind == JsonValueKind.Number && d.TryGetInt32(out var seconds)
                ? seconds
                : null;
            return (model, prompt, duration);
        }
        catch (JsonException)
        {
            return (null, null, null);
        }
    }
}
