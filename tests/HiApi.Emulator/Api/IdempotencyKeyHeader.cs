using System.Text;
using Microsoft.AspNetCore.Http;

namespace HiApi.Emulator.Api;

/// <summary>
/// The <c>Idempotency-Key</c> request header of a create and the <c>Idempotent-Replay</c> answer header. Keys are
/// not secrets, so the request log keeps them.
/// </summary>
internal static class IdempotencyKeyHeader
{
    public const string Name = "Idempotency-Key";
    public const string ReplayHeaderName = "Idempotent-Replay";
    public const string ReplayItemKey = "HiApi.Emulator.IdempotentReplay";
    public const int MaxBytes = 255;

    /// <summary>False with the 400 message when the header is malformed; true with null when it is absent.</summary>
    public static bool TryRead(HttpRequest request, out string? key, out string problem)
    {
        key = null;
        problem = "";
        var values = request.Headers[Name];
        if (values.Count == 0)
        {
            return true;
        }
        if (values.Count > 1)
        {
            problem = $"invalid request: {Name} must be given once";
            return false;
        }
        var value = values[0] ?? "";
        if (value.Length == 0)
        {
            problem = $"invalid request: {Name} must not be empty";
            return false;
        }
        if (Encoding.UTF8.GetByteCount(value) > MaxBytes)
        {
            problem = $"invalid request: {Name} must be at most {MaxBytes} bytes";
            return false;
        }
        key = value;
        return true;
    }

    /// <summary>The header as sent, for the request log (several values joined by a comma).</summary>
    public static string? ForLog(HttpRequest request) =>
        request.Headers.TryGetValue(Name, out var values) ? values.ToString() : null;
}
