using System.Diagnostics;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text.Json;

namespace HiApi.Client;

/// <summary>
/// The two endpoints of the API, with validation before sending, one error type for every failure,
/// and retries only where they are safe: GETs on 429, 5xx and network failures; the paid
/// <c>POST /v1/tasks</c> (no idempotency key) only when the server provably did not accept it.
/// </summary>
public sealed class HiApiClient
{
    private static readonly ProductInfoHeaderValue UserAgent = new(
        "HiApi.Video",
        typeof(HiApiClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0");

    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json") { CharSet = "utf-8" };

    private readonly HiApiClientOptions _options;
    private readonly HttpClient _http;
    private readonly Uri _tasksUri;
    private long _requestCount;
    private long _retryCount;

    /// <summary>Uses the process-wide pooled <see cref="HttpClient"/> for the options' base URI.</summary>
    public HiApiClient(HiApiClientOptions options)
        : this(options, http: null)
    {
    }

    /// <summary>For tests: every request goes to <paramref name="handler"/>.</summary>
    internal HiApiClient(HiApiClientOptions options, HttpMessageHandler handler)
        : this(options, new HttpClient(handler ?? throw new ArgumentNullException(nameof(handler)), disposeHandler: false)
        {
            Timeout = Timeout.InfiniteTimeSpan,
        })
    {
    }

    private HiApiClient(HiApiClientOptions options, HttpClient? http)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ApiKey is null)
        {
            throw new HiApiException(HiApiErrorKind.Configuration, "No HiAPI key was given to the client.");
        }

        if (options.BaseUri is null)
        {
            throw new HiApiException(HiApiErrorKind.Configuration, "No HiAPI base URI was given to the client.");
        }

        if (options.RequestTimeout <= TimeSpan.Zero && options.RequestTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "RequestTimeout must be positive.");
        }

        // Checked here too, so options built by hand cannot send the key over plain http.
        BaseUri = BaseUriResolver.Check(options.BaseUri, "the client options");
        _options = options;
        _http = http ?? HttpClientPool.For(BaseUri);
        _tasksUri = new Uri(BaseUri, "v1/tasks");
    }

    public Uri BaseUri { get; }

    /// <summary>HTTP attempts made, retries included.</summary>
    public long RequestCount => Interlocked.Read(ref _requestCount);

    public long RetryCount => Interlocked.Read(ref _retryCount);

    /// <summary>The retry policy in use (for callers that want the same backoff elsewhere).</summary>
    public RetryPolicy RetryPolicy => _options.RetryPolicy ?? RetryPolicy.Default;

    public event EventHandler<RetryingEventArgs>? Retrying;

    /// <summary>For tests: the clock behind <see cref="HiApiTask.SubmittedAt"/> and <see cref="HiApiTask.RetrievedAt"/>.</summary>
    internal TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Validates <paramref name="request"/> (throwing before any HTTP request), then creates the task.
    /// The result carries the request fields and <see cref="HiApiTask.SubmittedAt"/>, status queued.
    /// </summary>
    public async Task<HiApiTask> CreateTaskAsync(VideoRequest request, CancellationToken ct = default)
    {
        RequestValidator.ThrowIfInvalid(request);
        var body = TaskJson.SerializeCreateBody(request);

        var response = await SendAsync(
            () => new HttpRequestMessage(HttpMethod.Post, _tasksUri) { Content = CreateJsonContent(body) },
            isCreate: true,
            taskId: null,
            ct).ConfigureAwait(false);

        CreateTaskResponse? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize(response.Body, HiApiJsonContext.Default.CreateTaskResponse);
        }
        catch (JsonException)
        {
            throw MayHaveBeenCreated(ApiErrorReader.InvalidResponse(
                $"HiAPI answered {response.StatusCode} to the create request with {ApiErrorReader.DescribeNonJson(response.Body)}.",
                null, _options.ApiKey));
        }

        if (parsed?.Code is { } code && code != 200)
        {
            var error = ApiErrorReader.FromEnvelopeCode(code, parsed.Message, response.Body, null, _options.ApiKey);
            // An error envelope with a refusal code proves nothing was created, like the real status would.
            throw error.StatusCode is >= 400 and < 500 ? error : MayHaveBeenCreated(error);
        }

        var taskId = parsed?.Data?.TaskId;
        if (string.IsNullOrWhiteSpace(taskId))
        {
            throw MayHaveBeenCreated(ApiErrorReader.InvalidResponse(
                "HiAPI accepted the create request but its answer holds no data.taskId.", null, _options.ApiKey));
        }

        return new HiApiTask(taskId)
        {
            Model = request.Model,
            Status = HiApiTaskStatus.Queued,
            Prompt = request.Prompt,
            ImageUrl = request.ImageUrl,
            AspectRatio = request.AspectRatio,
            Resolution = request.Resolution,
            Duration = request.Duration,
            CallbackUrl = request.CallbackUrl,
            SubmittedAt = TimeProvider.GetUtcNow(),
        };
    }

    /// <summary>Reads the task's current state; retries transient failures per the <see cref="RetryPolicy"/>.</summary>
    public async Task<HiApiTask> GetTaskAsync(string taskId, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(taskId))
        {
            throw new ArgumentException("A task id is required.", nameof(taskId));
        }

        taskId = taskId.Trim();
        var uri = new Uri(BaseUri, "v1/tasks/" + Uri.EscapeDataString(taskId));
        var response = await SendAsync(
            () => new HttpRequestMessage(HttpMethod.Get, uri),
            isCreate: false,
            taskId,
            ct).ConfigureAwait(false);

        TaskResponse? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize(response.Body, HiApiJsonContext.Default.TaskResponse);
        }
        catch (JsonException)
        {
            throw ApiErrorReader.InvalidResponse(
                $"Task {taskId}: HiAPI answered {response.StatusCode} with {ApiErrorReader.DescribeNonJson(response.Body)}.",
                taskId, _options.ApiKey);
        }

        if (parsed?.Code is { } code && code != 200)
        {
            throw ApiErrorReader.FromEnvelopeCode(code, parsed.Message, response.Body, taskId, _options.ApiKey);
        }

        if (parsed?.Data is null)
        {
            throw ApiErrorReader.InvalidResponse($"Task {taskId}: HiAPI's answer holds no \"data\".", taskId, _options.ApiKey);
        }

        if (!string.IsNullOrWhiteSpace(parsed.Data.TaskId) && !string.Equals(parsed.Data.TaskId, taskId, StringComparison.Ordinal))
        {
            throw ApiErrorReader.InvalidResponse(
                $"Task {taskId}: HiAPI answered with the state of another task ({parsed.Data.TaskId}).", taskId, _options.ApiKey);
        }

        return TaskJson.ToTask(parsed.Data, taskId, TimeProvider.GetUtcNow());
    }

    private static ByteArrayContent CreateJsonContent(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = JsonContentType;
        return content;
    }

    private static HiApiException MayHaveBeenCreated(HiApiException error) => error.With(
        message: error.Message +
            " The request reached HiAPI, so a task may have been created (and charged): check your tasks before submitting again, the API has no idempotency key.",
        taskMayHaveBeenCreated: true);

    /// <summary>
    /// Sends with retries. Returns only 2xx answers (body fully read); throws <see cref="HiApiException"/>
    /// for everything else, or <see cref="OperationCanceledException"/> when <paramref name="ct"/> fires.
    /// </summary>
    private async Task<ApiResponse> SendAsync(
        Func<HttpRequestMessage> createRequest, bool isCreate, string? taskId, CancellationToken ct)
    {
        var policy = RetryPolicy;
        for (var retriesDone = 0; ; retriesDone++)
        {
            ct.ThrowIfCancellationRequested();
            using var request = createRequest();
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey.Reveal());
            request.Headers.UserAgent.Add(UserAgent);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            var method = request.Method.Method;
            var path = request.RequestUri!.AbsolutePath;

            HiApiException failure;
            bool retryable;
            string reason;
            var stopwatch = Stopwatch.StartNew();
            using var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (_options.RequestTimeout != Timeout.InfiniteTimeSpan)
            {
                attemptCts.CancelAfter(_options.RequestTimeout);
            }

            try
            {
                Interlocked.Increment(ref _requestCount);
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attemptCts.Token)
                    .ConfigureAwait(false);
                var body = await response.Content.ReadAsByteArrayAsync(attemptCts.Token).ConfigureAwait(false);
                var status = (int)response.StatusCode;
                Log($"{method} {path} -> {status} {response.ReasonPhrase} ({stopwatch.ElapsedMilliseconds} ms)");
                if (status is >= 200 and < 300)
                {
                    return new ApiResponse(status, body);
                }

                var retryAfter = ApiErrorReader.ReadRetryAfter(response.Headers, TimeProvider.GetUtcNow());
                failure = ApiErrorReader.FromResponse(status, response.ReasonPhrase, body, retryAfter, taskId, _options.ApiKey);
                reason = $"{status} {(string.IsNullOrEmpty(response.ReasonPhrase) ? ApiErrorReader.DescribeStatus(status) : response.ReasonPhrase)}";

                // A 429 proves the server refused the create; a 5xx proves nothing.
                retryable = isCreate ? status == 429 : failure.IsTransient;
                if (isCreate && status >= 500)
                {
                    failure = MayHaveBeenCreated(failure);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
            {
                var timedOut = ex is OperationCanceledException;
                reason = timedOut ? $"no answer within {_options.RequestTimeout.TotalSeconds:0.##} s" : ConnectFailure.Describe(ex);
                Log($"{method} {path} failed after {stopwatch.ElapsedMilliseconds} ms: {reason}");
                var message = $"{(taskId is null ? "" : $"Task {taskId}: ")}Could not complete {method} {path} at {BaseUri.Host}: {reason}.";
                // Keep the cause for diagnosis, unless something in it (a proxy's text) repeats the key.
                var inner = _options.ApiKey.IsIn(ex.ToString()) ? null : ex;
                failure = new HiApiException(HiApiErrorKind.Network, _options.ApiKey.Redact(message), inner) { TaskId = taskId };

                var notSent = !timedOut && ConnectFailure.ProvesRequestNotSent(ex);
                retryable = !isCreate || notSent;
                if (isCreate && !notSent)
                {
                    failure = MayHaveBeenCreated(failure);
                }
            }

            if (!retryable || retriesDone >= policy.MaxRetries)
            {
                throw retryable && retriesDone > 0
                    ? failure.With(message: $"{failure.Message} (Gave up after {retriesDone} {(retriesDone == 1 ? "retry" : "retries")}.)")
                    : failure;
            }

            var retryNumber = retriesDone + 1;
            var delay = policy.GetDelay(retryNumber, failure.RetryAfter, Random.Shared);
            Interlocked.Increment(ref _retryCount);
            Log($"{method} {path}: {reason}; retry {retryNumber} of {policy.MaxRetries} in {delay.TotalSeconds:0.##} s");
            Retrying?.Invoke(this, new RetryingEventArgs(retryNumber, delay, reason, method, path));
            await policy.Delay(delay, ct).ConfigureAwait(false);
        }
    }

    private void Log(string line) => _options.Log?.Invoke(_options.ApiKey.Redact(line));

    private readonly record struct ApiResponse(int StatusCode, byte[] Body);
}
