using System.Text;
using System.Text.Json;
using HiApi.Emulator.Faults;
using HiApi.Emulator.Json;
using Microsoft.AspNetCore.Http;

namespace HiApi.Emulator.Api;

/// <summary>Every body the API answers with, in the seeds' shapes and key order.</summary>
internal static class ApiResponses
{
    public const string JsonContentType = "application/json";

    /// <summary>The seed's 401 body verbatim; the real API uses it for any auth failure, so the emulator does too.</summary>
    public static readonly byte[] PermissionDeniedBody = Encoding.UTF8.GetBytes(
        """{"error":{"code":"permission_denied","message":"This API key cannot use the selected model...","type":"hiapi_error"}}""");

    public static readonly byte[] BadGatewayHtml = Encoding.UTF8.GetBytes(
        "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n");

    /// <summary>The error envelope with keys in the seed-000 fixture's order: code, data, error_code, message.</summary>
    public static byte[] ErrorEnvelope(int code, string errorCode, string message) => EmulatorJson.Write(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("code", code);
        w.WriteNull("data");
        w.WriteString("error_code", errorCode);
        w.WriteString("message", message);
        w.WriteEndObject();
    });

    /// <summary>The success envelope: <c>{"code":200,"data":...,"message":"success"}</c>.</summary>
    public static byte[] SuccessEnvelope(Action<Utf8JsonWriter> writeData) => EmulatorJson.Write(w => WriteSuccessEnvelope(w, writeData));

    public static void WriteSuccessEnvelope(Utf8JsonWriter w, Action<Utf8JsonWriter> writeData)
    {
        w.WriteStartObject();
        w.WriteNumber("code", 200);
        w.WritePropertyName("data");
        writeData(w);
        w.WriteString("message", "success");
        w.WriteEndObject();
    }

    public static Task WriteJsonAsync(HttpContext context, int statusCode, byte[] body)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = JsonContentType;
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    public static Task InvalidRequestAsync(HttpContext context, string message) =>
        WriteJsonAsync(context, StatusCodes.Status400BadRequest, ErrorEnvelope(400, "INVALID_REQUEST", message));

    public static Task PermissionDeniedAsync(HttpContext context) =>
        WriteJsonAsync(context, StatusCodes.Status401Unauthorized, PermissionDeniedBody);

    public static Task InsufficientBalanceAsync(HttpContext context, string message) =>
        WriteJsonAsync(context, StatusCodes.Status402PaymentRequired, ErrorEnvelope(402, "INSUFFICIENT_BALANCE", message));

    public static Task NotFoundAsync(HttpContext context, string message) =>
        WriteJsonAsync(context, StatusCodes.Status404NotFound, ErrorEnvelope(404, "NOT_FOUND", message));

    /// <summary>The success answer of a create; a replay sends exactly the same bytes.</summary>
    public static byte[] TaskCreatedBody(string taskId) => SuccessEnvelope(w =>
    {
        w.WriteStartObject();
        w.WriteString("taskId", taskId);
        w.WriteEndObject();
    });

    public static Task IdempotencyKeyProcessingAsync(HttpContext context)
    {
        // The first request usually finishes within a second; the contract says to honour Retry-After.
        SetRetryAfter(context, 1);
        return WriteJsonAsync(context, StatusCodes.Status409Conflict, ErrorEnvelope(409, "IDEMPOTENCY_KEY_PROCESSING",
            "a request with this Idempotency-Key is still being processed"));
    }

    public static Task IdempotencyKeyMismatchAsync(HttpContext context) =>
        WriteJsonAsync(context, StatusCodes.Status422UnprocessableEntity, ErrorEnvelope(422, "IDEMPOTENCY_KEY_MISMATCH",
            "this Idempotency-Key was already used with a different request body"));

    public static Task ModelUnavailableAsync(HttpContext context, string model, int retryAfterSeconds)
    {
        SetRetryAfter(context, retryAfterSeconds);
        return WriteJsonAsync(context, StatusCodes.Status503ServiceUnavailable,
            ErrorEnvelope(503, "MODEL_UNAVAILABLE", $"model unavailable: {model} is temporarily unavailable, retry shortly"));
    }

    /// <summary>A synchronous rejection: the create is refused outright, no task is made.</summary>
    public static Task TaskRejectedAsync(HttpContext context) =>
        WriteJsonAsync(context, StatusCodes.Status400BadRequest, ErrorEnvelope(400, "TASK_FAILED", "task failed: the request was rejected"));

    public static Task TooManyRequestsAsync(HttpContext context, int retryAfterSeconds)
    {
        SetRetryAfter(context, retryAfterSeconds);
        return WriteJsonAsync(context, StatusCodes.Status429TooManyRequests, ErrorEnvelope(429, "RATE_LIMITED", "rate limit exceeded"));
    }

    /// <summary>503 SERVICE_UNAVAILABLE with Retry-After: the service is busy; nothing was done.</summary>
    public static Task ServiceUnavailableAsync(HttpContext context, int retryAfterSeconds)
    {
        SetRetryAfter(context, retryAfterSeconds);
        return WriteJsonAsync(context, StatusCodes.Status503ServiceUnavailable, ErrorEnvelope(503, "SERVICE_UNAVAILABLE", "service unavailable"));
    }

    public static Task ServerErrorAsync(HttpContext context, ServerErrorKind kind) => kind switch
    {
        ServerErrorKind.BadGatewayHtml => WriteHtmlAsync(context, StatusCodeOf(kind), BadGatewayHtml),
        ServerErrorKind.ServiceUnavailable => WriteJsonAsync(context, StatusCodeOf(kind),
            ErrorEnvelope(503, "SERVICE_UNAVAILABLE", "service unavailable")),
        _ => WriteJsonAsync(context, StatusCodeOf(kind), ErrorEnvelope(500, "INTERNAL_ERROR", "internal error")),
    };

    private static void SetRetryAfter(HttpContext context, int seconds) =>
        context.Response.Headers.RetryAfter = Math.Max(0, seconds).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static Task WritePlainTextAsync(HttpContext context, int statusCode, string text)
    {
        var body = Encoding.UTF8.GetBytes(text);
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    public static int StatusCodeOf(ServerErrorKind kind) => kind switch
    {
        ServerErrorKind.BadGatewayHtml => StatusCodes.Status502BadGateway,
        ServerErrorKind.ServiceUnavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    public static Task WriteHtmlAsync(HttpContext context, int statusCode, byte[] body)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "text/html";
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }
}
