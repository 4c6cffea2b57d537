using System.Net.Http.Headers;
using HiApi.Emulator.Hosting;
using HiApi.Emulator.Tasks;
using HiApi.Emulator.Validation;
using Microsoft.AspNetCore.Http;

namespace HiApi.Emulator.Api;

/// <summary>
/// <c>POST /v1/tasks</c> and <c>GET /v1/tasks/{taskId}</c>. Checks run in a fixed order: fault dice, auth (401),
/// rate limit (429), body validation (400), model permission (401), balance (402), then the task is created.
/// </summary>
internal sealed class TaskEndpoints(EmulatorState state)
{
    /// <summary>Seconds assumed for the cost estimate when the request leaves duration to the model default.</summary>
    public const int DefaultDurationForEstimate = 5;

    public async Task CreateAsync(HttpContext context)
    {
        var faults = state.Options.Faults;
        if (state.Faults.Roll(faults.TooManyRequestsRate))
        {
            state.Faults.Counters.CountTooManyRequests();
            await ApiResponses.TooManyRequestsAsync(context, state.Options.RetryAfterSeconds);
            return;
        }

        var body = await RequestBody.ReadAsync(context);

        var key = ApiKeyAuthenticator.Authenticate(context, state);
        if (key is null)
        {
            await ApiResponses.PermissionDeniedAsync(context);
            return;
        }

        if (!state.RateLimiter.TryAcquire(key.Key, state.Options.RateLimitRequests, state.Options.RateLimitWindowMs))
        {
            await ApiResponses.TooManyRequestsAsync(context, state.Options.RetryAfterSeconds);
            return;
        }

        if (!IsJsonContentType(context.Request.ContentType))
        {
            await ApiResponses.InvalidRequestAsync(context, "invalid request: Content-Type must be application/json");
            return;
        }

        var validation = TaskRequestValidator.Validate(body);
        if (validation.Request is not { } request)
        {
            await ApiResponses.InvalidRequestAsync(context, validation.ErrorMessage!);
            return;
        }

        if (key.AllowedModels is { } allowed && !allowed.Contains(request.Model, StringComparer.Ordinal))
        {
            await ApiResponses.PermissionDeniedAsync(context);
            return;
        }

        var task = NewTask(key, request);
        if (!state.Ledger.TryReserve(key, task, out var available))
        {
            await ApiResponses.InsufficientBalanceAsync(context,
                $"insufficient balance: estimated cost {MoneyFormat.Format(task.Cost)} exceeds available balance {MoneyFormat.Format(available)}");
            return;
        }

        state.Tasks.Add(task);
        state.Callbacks.Schedule(task);

        // The "response lost" case: the task exists and is reserved, but the client may never hear about it.
        if (faults.FaultCreate && await FaultInjection.TryInjectAsync(context, state, faults))
        {
            return;
        }

        await ApiResponses.WriteJsonAsync(context, StatusCodes.Status200OK,
            ApiResponses.SuccessEnvelope(w =>
            {
                w.WriteStartObject();
                w.WriteString("taskId", task.Id);
                w.WriteEndObject();
            }));
    }

    public async Task GetAsync(HttpContext context)
    {
        var faults = state.Options.Faults;
        if (state.Faults.Roll(faults.TooManyRequestsRate))
        {
            state.Faults.Counters.CountTooManyRequests();
            await ApiResponses.TooManyRequestsAsync(context, state.Options.RetryAfterSeconds);
            return;
        }
        if (await FaultInjection.TryInjectAsync(context, state, faults))
        {
            return;
        }

        var key = ApiKeyAuthenticator.Authenticate(context, state);
        if (key is null)
        {
            await ApiResponses.PermissionDeniedAsync(context);
            return;
        }

        if (!state.RateLimiter.TryAcquire(key.Key, state.Options.RateLimitRequests, state.Options.RateLimitWindowMs))
        {
            await ApiResponses.TooManyRequestsAsync(context, state.Options.RetryAfterSeconds);
            return;
        }

        var taskId = context.Request.RouteValues["taskId"] as string ?? "";
        var task = state.Tasks.Find(taskId);
        // Another key's task is as invisible as a task that does not exist.
        if (task is null || !string.Equals(task.ApiKey, key.Key, StringComparison.Ordinal))
        {
            await ApiResponses.NotFoundAsync(context, "task not found");
            return;
        }

        await ApiResponses.WriteJsonAsync(context, StatusCodes.Status200OK,
            ApiResponses.SuccessEnvelope(w => TaskJson.WriteTask(w, task, state.BaseAddress, state.Signer)));
    }

    /// <summary>Any other path under /v1.</summary>
    public static Task UnknownRouteAsync(HttpContext context) => ApiResponses.NotFoundAsync(context, "route not found");

    private EmulatedTask NewTask(EmulatorApiKey key, ValidatedTaskRequest request)
    {
        var options = state.Options;
        var now = state.Clock.GetUtcNow();
        var timestamp = state.Clock.GetTimestamp();
        var failure = ScriptedFailure.FromPrompt(request.Prompt);
        var queued = options.QueuedMs;
        var handling = options.HandlingMs;
        var archiving = options.ArchivingMs;
        var successAt = now.AddMilliseconds((double)queued + handling + archiving);
        // Round up so the URL lives at least the configured lifetime.
        var expireAt = (long)Math.Ceiling((successAt.ToUnixTimeMilliseconds() + options.OutputLifetimeSeconds * 1000L) / 1000.0);

        return new EmulatedTask
        {
            Id = state.TaskIds.Next(now),
            Model = request.Model,
            ApiKey = key.Key,
            ApiKeyLabel = EmulatedTask.LabelFor(key.Key),
            CreatedAt = now,
            CreatedTimestamp = timestamp,
            Clock = state.Clock,
            QueuedMs = queued,
            HandlingMs = handling,
            ArchivingMs = archiving,
            Duration = request.Duration,
            Prompt = request.Prompt,
            CallbackUrl = request.CallbackUrl,
            Failure = failure,
            Cost = (request.Duration ?? DefaultDurationForEstimate) * options.PricePerSecond,
            ExpireAtUnixSeconds = expireAt,
        };
    }

    private static bool IsJsonContentType(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && string.Equals(parsed.MediaType, "application/json", StringComparison.OrdinalIgnoreCase);
}
