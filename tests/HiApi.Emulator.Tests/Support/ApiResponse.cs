using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace HiApi.Emulator.Tests.Support;

/// <summary>An answer of the emulator, read whole.</summary>
public sealed record ApiResponse(HttpStatusCode Status, string Body, HttpResponseHeaders Headers, string? ContentType)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string Message => Json.GetProperty("message").GetString()!;

    public string TaskId => Json.GetProperty("data").GetProperty("taskId").GetString()!;

    public string TaskStatus => Json.GetProperty("data").GetProperty("status").GetString()!;

    /// <summary>True when a create was answered as an idempotent replay (<c>Idempotent-Replay: true</c>).</summary>
    public bool IsIdempotentReplay => Headers.TryGetValues("Idempotent-Replay", out var values) && values.SingleOrDefault() == "true";
}
