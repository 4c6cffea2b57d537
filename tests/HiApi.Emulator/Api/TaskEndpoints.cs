using System.Net.Http.Headers;
using HiApi.Emulator.Hosting;
using HiApi.Emulator.Idempotency;
using HiApi.Emulator.Tasks;
using HiApi.Mock.Tasks;
using HiApi.Mock.Validation;
using Microsoft.AspNetCore.Http;

namespace HiApi.Emulator.Api;

/// <summary>
/// <c>POST /v1/tasks</c> and <c>GET /v1/tasks/{taskId}</c>. Checks run in a fixed order: fault dice, auth (401),
/// rate limit (429), the Idempotency-Key (400, replay, 422, 409), body validation (400), model permission (401),
/// a scripted rejection (400 TASK_FAILED), model availability (503), balance (402), then the task is created.
/// </summary>
internal sealed class TaskEndpoints(EmulatorState state)
{
    /// <summary>Seconds assumed for the cost estimate when the request leaves duration to the model default.</summary>
    public const int DefaultDurationForEstimate = 5;

    private readonly ApiAdmission _admission = new(state);

    public async Task CreateAsync(HttpContext context)
    {
        if (await _admission.RejectedByFaultsAsync(context, isCreate: true))
        {
            return;
        }

        var body = await RequestBody.ReadAsync(context);

        if (await _admission.AuthenticateAsync(context) is not { } key)
        {
            return;
        }

        if (state.Options.BusyAfterCreateCount > 0 && Interlocked.Decrement(ref state.BusyCreatesLeft) >= 0)
        {
            await AnswerBusyAsync(context);
            return;
        }

        if (!IdempotencyKeyHeader.TryRead(context.Request, out var idempotencyKey, out var headerProblem))
        {
            await ApiResponses.InvalidRequestAsync(context, headerProblem);
            return;
        }

        IdempotencyClaim? claim = null;
        if (idempotencyKey is not null)
        {
            var window = TimeSpan.FromSeconds(state.Options.IdempotencyWindowSeconds);
            var lookup = state.Idempotency.Claim(key.Key, idempotencyKey, body, window);
            switch (lookup.Outcome)
            {
                case IdempotencyOutcome.Replay:
                    await AnswerCreatedAsync(context, lookup.TaskId!, replay: true);
                    return;
                case IdempotencyOutcome.Mismatch:
                    await ApiResponses.IdempotencyKeyMismatchAsync(context);
                    return;
                case IdempotencyOutcome.Processing:
                    await ApiResponses.IdempotencyKeyProcessingAsync(context);
                    return;
            }
            claim = lookup.Claim;
        }

        // Whatever ends this create without a task (an answer, an exception, a client gone) releases the key.
        using (claim)
        {
            await CreateTaskAsync(context, key, body, claim);
        }
    }

    private async Task CreateTaskAsync(HttpContext context, EmulatorApiKey key, byte[] body, IdempotencyClaim? claim)
    {
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

        if (ScriptedRejection.IsRequestedBy(request.Prompt))
        {
            await ApiResponses.TaskRejectedAsync(context);
            return;
        }

        if (state.Faults.Roll(state.Options.ModelUnavailableRate))
        {
            state.Faults.Counters.CountModelUnavailable();
            await ApiResponses.ModelUnavailableAsync(context, request.Model, state.Options.RetryAfterSeconds);
            return;
        }

        if (state.Options.CreateProcessingMs > 0)
        {
            await Task.Delay(state.Options.CreateProcessingMs, state.Options.CreateSurvivesDisconnect ? CancellationToken.None : context.RequestAborted);
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
        // Bound before any answer: a retry after a lost answer must find this task, not make a second one.
        claim?.Bind(task);
        Interlocked.Exchange(ref state.BusyCreatesLeft, state.Options.BusyAfterCreateCount);

        await AnswerCreatedAsync(context, task.Id, replay: false);
    }

    /// <summary>A busy server after a create: 503 SERVICE_UNAVAILABLE or 429 RATE_LIMITED, both with Retry-After.</summary>
    private Task AnswerBusyAsync(HttpContext context) => state.Options.BusyAfterCreateStatus == StatusCodes.Status429TooManyRequests
        ? ApiResponses.TooManyRequestsAsync(context, state.Options.RetryAfterSeconds)
        : ApiResponses.ServiceUnavailableAsync(context, state.Options.RetryAfterSeconds);

    /// <summary>The answer of a create or of its replay; with FaultCreate the task exists but the answer may be lost.</summary>
    private async Task AnswerCreatedAsync(HttpContext context, string taskId, bool replay)
    {
        var faults = state.Options.Faults;
        if (faults.FaultCreate
            && (await HangingRequest.TryHangAsync(context, state) || await FaultInjection.TryInjectAsync(context, state, faults)))
        {
            return;
        }

        if (replay)
        {
            context.Response.Headers[IdempotencyKeyHeader.ReplayHeaderName] = "true";
            context.Items[IdempotencyKeyHeader.ReplayItemKey] = true;
        }
        await ApiResponses.WriteJsonAsync(context, StatusCodes.Status200OK, ApiResponses.TaskCreatedBody(taskId));
    }

    public async Task GetAsync(HttpContext context)
    {
        if (await _admission.RejectedByFaultsAsync(context, isCreate: false)
            || await _admission.AuthenticateAsync(context) is not { } key)
        {
            return;
        }

        var taskId = TaskIdInPath.Read(context);
        var task = state.Tasks.Find(taskId);
        // Another key's task is as invisible as a task that does not exist.
        if (task is null || !string.Equals(task.ApiKey, key.Key, StringComparison.Ordinal))
        {
            await ApiResponses.NotFoundAsync(context, "task not found");
            return;
        }

        var body = ApiResponses.SuccessEnvelope(w => TaskJson.WriteTask(w, task, state.BaseAddress, state.Signer));
        if (state.Options.HugeBodyBytes is { } hugeBytes and > 0)
        {
            await PaddedJsonBody.WriteAsync(context, body, hugeBytes);
            return;
        }
        await ApiResponses.WriteJsonAsync(context, StatusCodes.Status200OK, body);
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
            Cost = Billing.PriceList.CostOf(options, request.Duration ?? DefaultDurationForEstimate, request.Resolution),
            ExpireAtUnixSeconds = expireAt,
        };
    }

    private static bool IsJsonContentType(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && string.Equals(parsed.MediaType, "application/json", StringComparison.OrdinalIgnoreCase);
}
