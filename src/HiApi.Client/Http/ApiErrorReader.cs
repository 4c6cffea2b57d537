using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace HiApi.Client;

/// <summary>
/// Turns every error shape the API (or a proxy in front of it) can produce into one
/// <see cref="HiApiException"/>: the <c>{code, error_code, message}</c> envelope, the
/// <c>{error: {code, message, type}}</c> shape of a 401, a 200 whose <c>code</c> is not 200, and
/// non-JSON bodies such as an HTML 502 page.
/// </summary>
internal static partial class ApiErrorReader
{
    private const int MaxExcerptLength = 200;

    /// <summary>422: the same idempotency key was sent with a different body.</summary>
    internal const string IdempotencyKeyMismatch = "IDEMPOTENCY_KEY_MISMATCH";

    public static HiApiException FromResponse(
        int statusCode, string? reasonPhrase, byte[] body, TimeSpan? retryAfter, string? taskId, SecretRedactor? secrets)
    {
        secrets ??= SecretRedactor.None;
        var reason = string.IsNullOrWhiteSpace(reasonPhrase) ? DescribeStatus(statusCode) : secrets.Redact(reasonPhrase);
        if (!TryReadErrorBody(body, secrets, out var bodyCode, out var errorCode, out var message))
        {
            return Build(
                KindOf(statusCode),
                $"HiAPI answered {statusCode} {reason} with {DescribeNonJson(body, secrets)}.{AdviceFor(KindOf(statusCode), statusCode)}",
                statusCode, null, retryAfter, taskId, secrets);
        }

        // A 200 carrying an error envelope: the envelope's code is the real status.
        var effectiveStatus = statusCode is >= 200 and < 300 && bodyCode is >= 400 and < 600 ? bodyCode.Value : statusCode;
        return FromParts(effectiveStatus, effectiveStatus == statusCode ? reason : DescribeStatus(effectiveStatus),
            errorCode, message, retryAfter, taskId, secrets);
    }

    /// <summary>A success status whose JSON is not the expected envelope (or a 200 with an error <c>code</c>).</summary>
    public static HiApiException FromEnvelopeCode(int code, string? message, byte[] body, string? taskId, SecretRedactor? secrets)
    {
        if (code is >= 400 and < 600)
        {
            secrets ??= SecretRedactor.None;
            TryReadErrorBody(body, secrets, out _, out var errorCode, out var bodyMessage);
            return FromParts(code, DescribeStatus(code), errorCode, bodyMessage ?? secrets.Redact(message), null, taskId, secrets);
        }

        return InvalidResponse($"HiAPI answered 200 OK with an unexpected \"code\": {code}{(message is null ? "" : $" ({message})")}.", taskId, secrets);
    }

    public static HiApiException InvalidResponse(string message, string? taskId, SecretRedactor? secrets) =>
        Build(HiApiErrorKind.InvalidResponse, message, 200, null, null, taskId, secrets);

    public static HiApiErrorKind KindOf(int statusCode) => statusCode switch
    {
        400 or 422 => HiApiErrorKind.InvalidRequest,
        // 409 IDEMPOTENCY_KEY_PROCESSING: the first request with this key is still running; ask again shortly.
        409 => HiApiErrorKind.ServerError,
        401 or 403 => HiApiErrorKind.Unauthorized,
        402 => HiApiErrorKind.InsufficientBalance,
        404 => HiApiErrorKind.NotFound,
        408 => HiApiErrorKind.Network,
        429 => HiApiErrorKind.RateLimited,
        >= 500 and < 600 => HiApiErrorKind.ServerError,
        _ => HiApiErrorKind.InvalidResponse,
    };

    /// <summary><c>Retry-After</c> as seconds or as an HTTP date; null when absent or unreadable.</summary>
    public static TimeSpan? ReadRetryAfter(HttpResponseHeaders headers, DateTimeOffset now)
    {
        var value = headers.RetryAfter;
        if (value?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (value?.Date is { } date)
        {
            var wait = date - now;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    /// <summary>
    /// "a non-JSON body: &lt;title or first 200 characters, tags stripped&gt;", or "an empty body". The secrets (and
    /// any 8-character run of one) are removed from the whole text before it is cut, so a cut can never leave half a key.
    /// </summary>
    public static string DescribeNonJson(byte[] body, SecretRedactor? secrets)
    {
        var text = Encoding.UTF8.GetString(body);
        var excerpt = Excerpt(text, secrets);
        return excerpt.Length == 0 ? "an empty body" : $"a non-JSON body: {excerpt}";
    }

    internal static string Excerpt(string text, SecretRedactor? secrets = null)
    {
        if (secrets is not null)
        {
            text = secrets.Redact(text);
        }

        var title = TitlePattern().Match(text);
        var readable = title.Success && title.Groups[1].Value.Trim().Length > 0 ? title.Groups[1].Value : ScriptOrStylePattern().Replace(text, " ");
        readable = TagPattern().Replace(readable, " ");
        readable = WebUtility.HtmlDecode(readable);
        readable = WhitespacePattern().Replace(readable, " ").Trim();
        return readable.Length <= MaxExcerptLength ? readable : readable[..MaxExcerptLength] + "...";
    }

    private static HiApiException FromParts(
        int status, string reason, string? errorCode, string? message, TimeSpan? retryAfter, string? taskId, SecretRedactor? secrets)
    {
        var kind = string.Equals(errorCode, IdempotencyKeyMismatch, StringComparison.Ordinal) ? HiApiErrorKind.IdempotencyConflict : KindOf(status);
        if (kind == HiApiErrorKind.InvalidRequest && !string.IsNullOrEmpty(message))
        {
            // A 400's message is the server's text, unchanged (but for a secret it echoed): scripts match on it.
            var redacted = secrets?.Redact(message) ?? message;
            return new HiApiException(kind, redacted)
            {
                StatusCode = status,
                ErrorCode = secrets?.Redact(errorCode) ?? errorCode,
                FieldErrors = RequestValidator.ParseMessage(redacted),
                TaskId = taskId,
                RetryAfter = retryAfter,
            };
        }

        var text = new StringBuilder();
        if (taskId is not null)
        {
            text.Append("Task ").Append(taskId).Append(": ");
        }

        text.Append("HiAPI answered ").Append(status).Append(' ').Append(reason);
        if (!string.IsNullOrEmpty(errorCode))
        {
            text.Append(" (").Append(errorCode).Append(')');
        }

        if (!string.IsNullOrEmpty(message))
        {
            text.Append(": ").Append(message.TrimEnd('.'));
        }

        text.Append('.');
        text.Append(AdviceFor(kind, status));

        return Build(kind, text.ToString(), status, errorCode, retryAfter, taskId, secrets);
    }

    /// <summary>What to do about a refusal the API's words alone do not explain; empty for the rest.</summary>
    private static string AdviceFor(HiApiErrorKind kind, int status) => kind switch
    {
        // 403: the key or the account is not allowed, or out of quota (contract, "More facts"); never retried.
        HiApiErrorKind.Unauthorized when status == 403 =>
            " Check the API key (-ApiKey, HIAPI_API_KEY or HIAPI_KEY), that the key and its account may use this model, and the account's quota.",
        HiApiErrorKind.Unauthorized => " Check the API key (-ApiKey, HIAPI_API_KEY or HIAPI_KEY) and that it may use this model.",
        HiApiErrorKind.InsufficientBalance => " The balance cannot cover the task's up-front estimate (duration x price per second); top up, then submit again.",
        // Keys are derived from the batch, the request and its occurrence (IdempotencyKeys): another request gets another
        // key, so a mismatch comes from a key given by hand, reused for a second request.
        HiApiErrorKind.IdempotencyConflict =>
            " HiAPI remembers a key for about 24 hours with the request it first came with. A key given with -IdempotencyKey " +
            "(or an IdempotencyKey cell) must belong to one request: give this one a key of its own, or leave it out and the key " +
            "is derived from the batch, the request and its occurrence in the input.",
        _ => string.Empty,
    };

    private static HiApiException Build(
        HiApiErrorKind kind, string message, int status, string? errorCode, TimeSpan? retryAfter, string? taskId, SecretRedactor? secrets) =>
        new(kind, secrets?.Redact(message) ?? message)
        {
            StatusCode = status,
            ErrorCode = secrets?.Redact(errorCode) ?? errorCode,
            TaskId = taskId,
            RetryAfter = retryAfter,
        };

    /// <summary>The envelope's parts; its texts (code and message) come back with every secret redacted.</summary>
    private static bool TryReadErrorBody(byte[] body, SecretRedactor secrets, out int? code, out string? errorCode, out string? message)
    {
        var read = TryReadErrorBody(body, out code, out errorCode, out message);
        errorCode = secrets.Redact(errorCode);
        message = secrets.Redact(message);
        return read;
    }

    private static bool TryReadErrorBody(byte[] body, out int? code, out string? errorCode, out string? message)
    {
        code = null;
        errorCode = null;
        message = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            code = ReadInt(root, "code");
            errorCode = ReadString(root, "error_code");
            message = ReadString(root, "message");
            if (root.TryGetProperty("error", out var error))
            {
                if (error.ValueKind == JsonValueKind.Object)
                {
                    errorCode ??= ReadString(error, "code");
                    message ??= ReadString(error, "message");
                }
                else if (error.ValueKind == JsonValueKind.String)
                {
                    message ??= error.GetString();
                }
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string? ReadString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } : null;

    private static int? ReadInt(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number))
        {
            return number;
        }

        return value.ValueKind == JsonValueKind.String && int.TryParse(value.GetString(), out var parsed) ? parsed : null;
    }

    /// <summary>"Bad Gateway" for 502: HTTP/2 has no reason phrase, so derive one from the enum name.</summary>
    internal static string DescribeStatus(int statusCode)
    {
        var name = Enum.IsDefined(typeof(HttpStatusCode), statusCode) ? ((HttpStatusCode)statusCode).ToString() : null;
        return name is null || int.TryParse(name, out _) ? "Error" : CamelCaseBoundary().Replace(name, " $1");
    }

    [GeneratedRegex(@"<title[^>]*>(.*?)</title>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex TitlePattern();

    [GeneratedRegex(@"<(script|style)[^>]*>.*?</\1>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex ScriptOrStylePattern();

    [GeneratedRegex(@"<[^>]*>", RegexOptions.Singleline)]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespacePattern();

    [GeneratedRegex(@"(?<=[a-z])([A-Z])")]
    private static partial Regex CamelCaseBoundary();
}
