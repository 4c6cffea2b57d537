using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace HiApi.Contract.Tests.Support;

/// <summary>An answer read whole: status, headers and body as text.</summary>
public sealed record ApiAnswer(HttpStatusCode Status, HttpResponseHeaders Headers, HttpContentHeaders ContentHeaders, string Body, byte[] Bytes)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public JsonElement Data => Json.GetProperty("data");

    public string TaskId => Data.GetProperty("taskId").GetString()!;

    public bool IsReplay => Headers.TryGetValues("Idempotent-Replay", out var values) && values.Single() == "true";

    public string? RetryAfter => Headers.TryGetValues("Retry-After", out var values) ? values.Single() : null;
}
