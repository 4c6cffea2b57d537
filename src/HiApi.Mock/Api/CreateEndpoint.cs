using System.Net.Http.Headers;
using System.Text;
using HiApi.Mock.Hosting;
using HiApi.Mock.Idempotency;
using HiApi.Mock.Tasks;
using HiApi.Mock.Validation;

namespace HiApi.Mock.Api;

/// <summary>
/// <c>POST /v1/tasks</c>, its checks in the emulator's order: auth (401), the Idempotency-Key (400, replay, 422, 409),
/// Content-Type and body (400), a <c>[[reject]]</c> prompt (400 TASK_FAILED), an on-demand refusal, the balance (402);
/// then the task is made, its cost reserved, its callback scheduled and its key bound.
/// </summary>
internal sealed class CreateEndpoint(MockState state)
{
    /// <summary>Seconds assumed for the cost when the request leaves the duration to the model (the emulator's choice).</summary>
    public const int DefaultDurationForEstimate = 5;

    private const string IdempotencyHeader = "Idempotency-Key";
    private const int MaxIdempotencyKeyBytes = 255;

    public async Task<MockHttpResponse> HandleAsync(MockHttpRequest request, CancellationToken stopping)
    {
        if (!ApiAuth.IsAuthorized(request.Header("Authorization"), state.ApiKey))
        {
            return MockHttpResponse.Json(401, ApiJson.PermissionDenied);
        }

        var idempotencyKey = request.Utf8Header(IdempotencyHeader);
        if (idempotencyKey is not null && IdempotencyKeyProblem(idempotencyKey) is { } problem)
        {
            return InvalidRequest(problem);
        }

        IdempotencyClaim? claim = null;
        if (idempotencyKey is not null)
        {
            var (outcome, replayed, claimed) = state.Idempotency.Claim(idempotencyKey, request.Body, state.Options.IdempotencyWindow);
            switch (outcome)
            {
                case IdempotencyOutcome.Replay:
                    return new MockHttpResponse(200, "application/json", ApiJson.Created(replayed!)) { TaskId = replayed, Replay = true }
                        .WithHeader("Idempotent-Replay", "true");
                case IdempotencyOutcome.Mismatch:
                    return MockHttpResponse.Json(422, ApiJson.Error(422, "IDEMPOTENCY_KEY_MISMATCH",
                        "this Idempotency-Key was already used with a different request body"));
                case IdempotencyOutcome.Processing:
                    // The first request usually finishes within a second; the contract says to honour Retry-After.
                    return Refusals.RetryLater(MockHttpResponse.Json(409, ApiJson.Error(409, "IDEMPOTENCY_KEY_PROCESSING",
                        "a request with this Idempotency-Key is still being processed")), 1);
            }

            claim = claimed;
        }

        try
        {
            return await CreateAsync(request, claim, stopping).ConfigureAwait(false);
        }
        finally
        {
            // Whatever ended this create without a task releases the key, so a retry is a fresh create.
            if (claim is not null)
            {
                state.Idempotency.Release(claim);
            }
        }
    }

    private async Task<MockHttpResponse> CreateAsync(MockHttpRequest request, IdempotencyClaim? claim, CancellationToken stopping)
    {
        if (!IsJson(request.Header("Content-Type")))
        {
            return InvalidRequest("invalid request: Content-Type must be application/json");
        }

        var validation = TaskRequestValidator.Validate(request.Body);
        if (validation.Request is not { } valid)
        {
            return InvalidRequest(validation.ErrorMessage!);
        }

        if (ScriptedRejection.IsRequestedBy(valid.Prompt))
        {
            return MockHttpResponse.Json(400, ApiJson.Error(400, "TASK_FAILED", "task failed: the request was rejected"));
        }

        var options = state.Options;
        var cost = (valid.Duration ?? DefaultDurationForEstimate) * options.PricePerSecond * (valid.Resolution == "1080p" ? options.PriceFactor1080p : 1m);
        if (state.Refusals.TryDequeue(out var refusal))
        {
            return Refusals.Answer(refusal, cost, options.RetryAfterSeconds);
        }

        if (options.CreateDelay > TimeSpan.Zero)
        {
            await Task.Delay(options.CreateDelay, state.Clock, stopping).ConfigureAwait(false);
        }

        var task = NewTask(valid, claim?.Key, cost);
        if (!state.Balance.TryReserve(options.Balance, task, out var available))
        {
            return MockHttpResponse.Json(402, ApiJson.Error(402, "INSUFFICIENT_BALANCE",
                $"insufficient balance: estimated cost {MoneyFormat.Format(cost)} exceeds available balance {MoneyFormat.Format(available)}"));
        }

        state.Tasks.Add(task);
        state.Callbacks.Schedule(task);
        // Bound before the answer: a retry after a lost answer must find this task, not make a second one.
        if (claim is not null)
        {
            state.Idempotency.Bind(claim, task.Id, task.CreatedAt);
        }

        return new MockHttpResponse(200, "application/json", ApiJson.Created(task.Id)) { TaskId = task.Id };
    }

    private StandInTask NewTask(ValidatedTaskRequest request, string? idempotencyKey, decimal cost)
    {
        var options = state.Options;
        var now = state.Clock.GetUtcNow();
        var failure = ScriptedFailure.FromPrompt(request.Prompt)
            ?? (PromptPattern.MatchesAny(options.FailPrompts, request.Prompt) ? new TaskFailure(ScriptedFailure.DefaultCode, ScriptedFailure.Message) : null);
        return new StandInTask
        {
            Id = state.TaskIds.Next(now),
            Model = request.Model,
            Prompt = request.Prompt,
            Duration = request.Duration,
            CallbackUrl = request.CallbackUrl,
            IdempotencyKey = idempotencyKey,
            CreatedAt = now,
            CreatedTimestamp = state.Clock.GetTimestamp(),
            Clock = state.Clock,
            RenderTime = options.RenderTime,
            Failure = failure,
            Cost = cost,
            OutputLifetime = options.OutputLifetime,
        };
    }

    private static string? IdempotencyKeyProblem(string key) =>
        key.Length == 0 ? $"invalid request: {IdempotencyHeader} must not be empty"
        : Encoding.UTF8.GetByteCount(key) > MaxIdempotencyKeyBytes ? $"invalid request: {IdempotencyHeader} must be at most {MaxIdempotencyKeyBytes} bytes"
        : null;

    private static MockHttpResponse InvalidRequest(string message) => MockHttpResponse.Json(400, ApiJson.Error(400, "INVALID_REQUEST", message));

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && string.Equals(parsed.MediaType, "application/json", StringComparison.OrdinalIgnoreCase);
}
