using HiApi.Emulator.Api;
using HiApi.Emulator.Recording;
using Microsoft.AspNetCore.Http;

namespace HiApi.Emulator.Hosting;

/// <summary>
/// Logs every request to <c>/v1/...</c>, <c>/storage/...</c> and <c>/api/...</c> as its answer starts (or when it ends unanswered).
/// Keeps only whether an Authorization header was present, never its value; the Idempotency-Key is kept (it is not
/// a secret). A dropped connection is logged with status 0.
/// </summary>
internal sealed class RequestRecordingMiddleware(RequestDelegate next, EmulatorState state)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (!path.StartsWithSegments("/v1") && !path.StartsWithSegments("/storage") && !path.StartsWithSegments("/api"))
        {
            await next(context);
            return;
        }

        var at = state.Clock.GetUtcNow();
        var recorded = 0;
        void RecordOnce()
        {
            if (Interlocked.Exchange(ref recorded, 1) == 0)
            {
                Record(context, at);
            }
        }

        // Logged as the answer starts, not after it ends: a client holding the answer always finds its entry.
        context.Response.OnStarting(() =>
        {
            RecordOnce();
            return Task.CompletedTask;
        });
        try
        {
            await next(context);
        }
        finally
        {
            // Dropped, hung up or failed before any answer started.
            RecordOnce();
        }
    }

    private void Record(HttpContext context, DateTimeOffset at)
    {
        var path = context.Request.Path;
        var dropped = context.Items.TryGetValue(FaultInjection.DroppedItemKey, out var flag) && flag is true;
        var bodyBytes = context.Items.TryGetValue(RequestBody.BytesItemKey, out var read) && read is long counted
            ? counted
            : context.Request.ContentLength ?? 0;
        state.Requests.Add(
            new RecordedRequest(
                at,
                context.Request.Method,
                path.Value ?? "",
                context.Request.QueryString.HasValue ? context.Request.QueryString.Value : null,
                context.Request.Headers.ContainsKey("Authorization"),
                dropped ? 0 : context.Response.StatusCode,
                bodyBytes,
                KindOf(context.Request.Method, path),
                IdempotencyKeyHeader.ForLog(context.Request),
                context.Items.ContainsKey(IdempotencyKeyHeader.ReplayItemKey),
                TextPreviewOf(context.Request.Headers.UserAgent.ToString())),
            state.Options.RecordRequests);
    }

    public static string KindOf(string method, PathString path)
    {
        var segments = (path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments is ["v1", "tasks"] && HttpMethods.IsPost(method))
        {
            return RequestLog.Create;
        }
        if (segments is ["v1", "tasks"] && HttpMethods.IsGet(method))
        {
            return RequestLog.List;
        }
        if (segments is ["v1", "tasks", _] && HttpMethods.IsGet(method))
        {
            return RequestLog.Get;
        }
        if (segments is ["storage", _] && (HttpMethods.IsGet(method) || HttpMethods.IsHead(method)))
        {
            return RequestLog.Download;
        }
        if (segments is ["api", "pricing"] && HttpMethods.IsGet(method))
        {
            return RequestLog.Pricing;
        }
        return RequestLog.Other;
    }

    /// <summary>At most 200 characters of a header: enough to tell which client sent a request.</summary>
    private static string? TextPreviewOf(string value) => value.Length == 0 ? null : value.Length <= 200 ? value : value[..200];
}
