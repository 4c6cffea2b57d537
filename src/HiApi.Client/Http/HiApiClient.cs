using System.Buffers;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text.Json;

namespace HiApi.Client;

/// <summary>
/// The endpoints of the API, with validation before sending, one error type for every failure, and retries only
/// where they are safe: GETs on 429, 5xx and network failures; the paid <c>POST /v1/tasks</c> the same way when it
/// carries an <c>Idempotency-Key</c> (the API then returns the first task instead of creating a second), and
/// without a key only when the server provably did not accept it (429, 503, a connection never opened). Every request
/// passes the host's <see cref="ApiRequestGate"/>, has a per-attempt timeout and a total retry budget, and reads at
/// most <see cref="HiApiClientOptions.MaxResponseBytes"/>.
/// </summary>
public sealed class HiApiClient
{
    private static readonly ProductInfoHeaderValue UserAgent = new(
        "HiApi.Video",
        typeof(HiApiClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0");

    // Header values as ready-made text: typed header objects are formatted again on every request.
    private readonly string _userAgentText;
    private const string AcceptText = "application/json";

    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json") { CharSet = "utf-8" };

    /// <summary>Bodies of the API are a few hundred bytes; a larger one grows the rented buffer.</summary>
    private const int InitialBodyBuffer = 4096;

    /// <summary>Error bodies are only read for their message: a few KB say everything a person will read.</summary>
    private const int MaxErrorBodyBytes = 64 * 1024;

    private const string IdempotencyKeyHeader = "Idempotency-Key";
    private const string ReplayHeader = "Idempotent-Replay";

    private readonly HiApiClientOptions _options;
    private readonly HttpClient _http;
    private readonly ApiRequestGate _gate;
    private readonly Uri _tasksUri;
    private readonly string _taskUriPrefix;

    /// <summary>"Bearer &lt;key&gt;", built once per client; only ever written into the request header.</summary>
    [DebuggerBrowsable(DebuggerBrowsableState.Never)] // like ApiKey: no debugger view shows the secret
    private readonly string? _authorizationText;

    /// <summary>One idle per-attempt timeout source, reset and reused: saves a source and a timer per call.</summary>
    private CancellationTokenSource? _spareTimeoutSource;
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
        _gate = options.RequestGate ?? ApiRequestGate.For(BaseUri);
        _tasksUri = new Uri(BaseUri, "v1/tasks");
        // Same as resolving "v1/tasks/<escaped id>" against BaseUri (the escaped id holds no '/', '?' or '#'), parsed faster.
        _taskUriPrefix = new Uri(BaseUri, "v1/tasks/").AbsoluteUri;
        // No key: only public resources (the price list) can be read; the task endpoints refuse before sending.
        _authorizationText = options.ApiKey is null ? null : new AuthenticationHeaderValue("Bearer", options.ApiKey.Reveal()).ToString();
        Secrets = options.ApiKey?.Redactor ?? SecretRedactor.None;
        var caller = new string((options.Caller ?? string.Empty).Where(c => c is >= ' ' and <= '~' and not '(' and not ')').ToArray()).Trim();
        _userAgentText = caller.Length == 0 ? UserAgent.ToString() : $"{UserAgent} ({caller})";
    }

    public Uri BaseUri { get; }

    /// <summary>
    /// Removes the key from what the server says: HiAPI (or a proxy) was sent it and may echo it in any answer. Every
    /// text of an answer passes it before it reaches an error, a log line, a retry event or a task.
    /// </summary>
    internal SecretRedactor Secrets { get; }

    /// <summary>HTTP attempts made, retries included.</summary>
    public long RequestCount => Interlocked.Read(ref _requestCount);

    public long RetryCount => Interlocked.Read(ref _retryCount);

    /// <summary>The retry policy in use (for callers that want the same backoff elsewhere).</summary>
    public RetryPolicy RetryPolicy => _options.RetryPolicy ?? RetryPolicy.Default;

    public event EventHandler<RetryingEventArgs>? Retrying;

    /// <summary>For tests: the clock behind <see cref="HiApiTask.SubmittedAt"/> and <see cref="HiApiTask.RetrievedAt"/>.</summary>
    internal TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Validates <paramref name="request"/> (throwing before any HTTP request), then creates the task, sending the
    /// request's <see cref="VideoRequest.Body"/> bytes. With <paramref name="idempotencyKey"/>, the key goes in the
    /// <c>Idempotency-Key</c> header and the POST is retried like a GET (the API answers a repeated key with the task it
    /// already created). When no attempt's answer proves what happened and any attempt may have created a task, the error
    /// has <see cref="HiApiException.TaskMayHaveBeenCreated"/> set, whatever later attempts were told (see
    /// <see cref="RetryRules"/>): re-sending the same body with the same key later settles it. The result carries the
    /// request, the key and <see cref="HiApiTask.SubmittedAt"/>.
    /// </summary>
    public async Task<HiApiTask> CreateTaskAsync(VideoRequest request, string? idempotencyKey = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequestValidator.ThrowIfInvalid(request, idempotencyKey: idempotencyKey);
        var outcome = new CreateOutcome();
        var safety = idempotencyKey is null ? RequestSafety.Unsafe : RequestSafety.Idempotent;
        ApiResponse response;
        try
        {
            response = await SendAsync(HttpMethod.Post, _tasksUri, request.Body, idempotencyKey, taskId: null, safety, outcome, ct).ConfigureAwait(false);
        }
        catch (HiApiException failed) when (outcome.MayHaveBeenCreated)
        {
            throw MayHaveBeenCreated(failed, idempotencyKey, outcome.FirstUnknownReason);
        }

        if (response.Replayed)
        {
            Log($"POST {_tasksUri.AbsolutePath}: {ReplayHeader} - HiAPI returned the task it created earlier for this idempotency key; nothing new was charged.");
        }

        CreateTaskResponse? parsed;
        try
        {
            try
            {
                parsed = JsonSerializer.Deserialize(response.Span, HiApiJsonContext.Default.CreateTaskResponse);
            }
            catch (JsonException)
            {
                throw MayHaveBeenCreated(ApiErrorReader.InvalidResponse(
                    $"HiAPI answered {response.StatusCode} to the create request with {ApiErrorReader.DescribeNonJson(response.Span.ToArray(), Secrets)}.",
                    null, Secrets), idempotencyKey, outcome.FirstUnknownReason);
            }

            if (parsed?.Code is { } code && code != 200)
            {
                var error = ApiErrorReader.FromEnvelopeCode(code, parsed.Message, response.Span.ToArray(), null, Secrets);
                // An error envelope is the server's answer, judged like the status it names; it proves nothing about an
                // earlier attempt that may have created the task.
                var verdict = error.StatusCode is { } status ? RetryRules.ForStatus(status) : RetryRules.ForUnusableAnswer();
                outcome.Observe(verdict, $"an answer whose \"code\" is {code}");
                throw outcome.MayHaveBeenCreated ? MayHaveBeenCreated(error, idempotencyKey, outcome.FirstUnknownReason) : error;
            }
        }
        finally
        {
            response.Return();
        }

        var taskId = parsed?.Data?.TaskId;
        if (string.IsNullOrWhiteSpace(taskId))
        {
            throw MayHaveBeenCreated(ApiErrorReader.InvalidResponse(
                "HiAPI accepted the create request but its answer holds no data.taskId.", null, Secrets), idempotencyKey, outcome.FirstUnknownReason);
        }

        if (Secrets.Find(taskId) is { } secret)
        {
            // An id is used as it is (requests, the ledger, file names): one that holds the key cannot be redacted.
            throw MayHaveBeenCreated(ApiErrorReader.InvalidResponse(
                $"HiAPI accepted the create request but the data.taskId of its answer holds {secret}: it was not used or recorded.", null, Secrets),
                idempotencyKey, outcome.FirstUnknownReason);
        }

        return new HiApiTask(taskId)
        {
            Model = request.Model,
            Status = HiApiTaskStatus.Queued,
            Request = request,
            IdempotencyKey = idempotencyKey,
            SubmittedAt = TimeProvider.GetUtcNow(),
        };
    }

    /// <summary>
    /// One page of the key's tasks, newest first (<c>GET /v1/tasks?page=&amp;size=</c>): how tasks the ledger never
    /// heard of (a submission whose answer was lost) are found again. Retried like a GET.
    /// </summary>
    public async Task<TaskPage> ListTasksAsync(int page = 1, int size = 20, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var uri = new Uri($"{_tasksUri.AbsoluteUri}?page={page}&size={size}", UriKind.Absolute);
        var response = await SendAsync(HttpMethod.Get, uri, createBody: null, idempotencyKey: null, taskId: null, RequestSafety.Safe, outcome: null, ct).ConfigureAwait(false);
        try
        {
            return TaskPageJson.Parse(response.Span, page, size, TimeProvider.GetUtcNow(), Secrets, out var problem)
                ?? throw ApiErrorReader.InvalidResponse(problem == "not JSON"
                    ? $"HiAPI answered the task listing with {ApiErrorReader.DescribeNonJson(response.Span.ToArray(), Secrets)}."
                    : $"HiAPI answered the task listing (page {page}) with {problem}.", null, Secrets);
        }
        finally
        {
            response.Return();
        }
    }

    /// <summary>
    /// A public resource of the API's host (<paramref name="relativeUri"/>, such as <c>api/pricing</c>): read like any
    /// GET (the same gate, timeouts, retry rules and budget), but never with the key, and at most
    /// <paramref name="maxBytes"/> bytes. Returns the body of a 2xx answer.
    /// </summary>
    internal async Task<byte[]> GetPublicAsync(string relativeUri, int maxBytes, CancellationToken ct = default)
    {
        var uri = new Uri(BaseUri, relativeUri);
        var response = await SendAsync(HttpMethod.Get, uri, createBody: null, idempotencyKey: null, taskId: null, RequestSafety.Safe, outcome: null, ct,
            publicResource: true, maxResponseBytes: maxBytes).ConfigureAwait(false);
        try
        {
            return response.Span.ToArray();
        }
        finally
        {
            response.Return();
        }
    }

    /// <summary>Reads the task's current state; retries transient failures per the <see cref="RetryPolicy"/>.</summary>
    public async Task<HiApiTask> GetTaskAsync(string taskId, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(taskId))
        {
            throw new ArgumentException("A task id is required.", nameof(taskId));
        }

        taskId = taskId.Trim();
        var uri = new Uri(_taskUriPrefix + Uri.EscapeDataString(taskId), UriKind.Absolute);
        var response = await SendAsync(HttpMethod.Get, uri, createBody: null, idempotencyKey: null, taskId, RequestSafety.Safe, outcome: null, ct).ConfigureAwait(false);

        TaskResponse? parsed;
        try
        {
            try
            {
                // Straight from the rented buffer: no byte[] or string per answer.
                parsed = JsonSerializer.Deserialize(response.Span, HiApiJsonContext.Default.TaskResponse);
            }
            catch (JsonException)
            {
                throw ApiErrorReader.InvalidResponse(
                    $"Task {taskId}: HiAPI answered {response.StatusCode} with {ApiErrorReader.DescribeNonJson(response.Span.ToArray(), Secrets)}.",
                    taskId, Secrets);
            }

            if (parsed?.Code is { } code && code != 200)
            {
                throw ApiErrorReader.FromEnvelopeCode(code, parsed.Message, response.Span.ToArray(), taskId, Secrets);
            }
        }
        finally
        {
            response.Return();
        }

        if (parsed?.Data is null)
        {
            throw ApiErrorReader.InvalidResponse($"Task {taskId}: HiAPI's answer holds no \"data\".", taskId, Secrets);
        }

        if (!string.IsNullOrWhiteSpace(parsed.Data.TaskId) && !string.Equals(parsed.Data.TaskId, taskId, StringComparison.Ordinal))
        {
            throw ApiErrorReader.InvalidResponse(
                $"Task {taskId}: HiAPI answered with the state of another task ({parsed.Data.TaskId}).", taskId, Secrets);
        }

        return TaskJson.ToTask(parsed.Data, taskId, TimeProvider.GetUtcNow(), Secrets);
    }

    private static ReadOnlyMemoryContent CreateJsonContent(ReadOnlyMemory<byte> body)
    {
        var content = new ReadOnlyMemoryContent(body);
        content.Headers.ContentType = JsonContentType;
        return content;
    }

    /// <summary>A create whose outcome is unknown: the message says why; without a key, also what to do (nothing can settle it).</summary>
    private static HiApiException MayHaveBeenCreated(HiApiException error, string? idempotencyKey, string? firstUnknownReason) => error.With(
        message: error.Message + $" The request may have reached HiAPI{(firstUnknownReason is null ? "" : $" (an attempt ended with {firstUnknownReason})")}, so a task may have been created" +
            (idempotencyKey is null
                ? " (and charged): check your tasks before submitting again."
                // The key is a fact of what happened; how to send it again is the caller's to say (it knows how its user re-sends).
                : $" (and charged) under Idempotency-Key {idempotencyKey}."),
        taskMayHaveBeenCreated: true);

    /// <summary>
    /// Sends with retries. Returns only 2xx answers (body fully read into a rented buffer the caller returns);
    /// throws <see cref="HiApiException"/> for everything else, or <see cref="OperationCanceledException"/> when
    /// <paramref name="ct"/> fires. Which failures are retried is <see cref="RetryRules"/>' decision for the request's
    /// <paramref name="safety"/>; a create passes its <paramref name="outcome"/>, which every attempt's verdict updates.
    /// </summary>
    private async Task<ApiResponse> SendAsync(
        HttpMethod method, Uri uri, ReadOnlyMemory<byte>? createBody, string? idempotencyKey, string? taskId, RequestSafety safety,
        CreateOutcome? outcome, CancellationToken ct, bool publicResource = false, int? maxResponseBytes = null)
    {
        var authorization = publicResource ? null : _authorizationText ?? throw new HiApiException(
            HiApiErrorKind.Configuration, "No HiAPI key was given to the client: set HIAPI_API_KEY (or HIAPI_KEY), or pass -ApiKey.");
        var limit = maxResponseBytes ?? _options.MaxResponseBytes;
        var policy = RetryPolicy;
        long firstAttempt = 0;
        for (var retriesDone = 0; ; retriesDone++)
        {
            ct.ThrowIfCancellationRequested();
            using var slot = await _gate.EnterAsync(ct).ConfigureAwait(false);
            if (firstAttempt == 0)
            {
                firstAttempt = Stopwatch.GetTimestamp();
            }

            using var request = new HttpRequestMessage(method, uri);
            if (createBody is { } bodyToSend)
            {
                request.Content = CreateJsonContent(bodyToSend);
            }

            if (authorization is not null)
            {
                // Never on a public resource: the key goes only where it is needed.
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            }

            request.Headers.TryAddWithoutValidation("User-Agent", _userAgentText);
            request.Headers.TryAddWithoutValidation("Accept", AcceptText);
            if (idempotencyKey is not null)
            {
                request.Headers.TryAddWithoutValidation(IdempotencyKeyHeader, idempotencyKey);
            }

            HiApiException failure;
            AttemptVerdict verdict;
            string reason;
            var started = Stopwatch.GetTimestamp();
            var attemptTimeout = AttemptTimeout(firstAttempt);
            var timeoutSource = RentTimeoutSource(ct, attemptTimeout, out var link);
            var token = timeoutSource?.Token ?? ct;
            try
            {
                Interlocked.Increment(ref _requestCount);
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token)
                    .ConfigureAwait(false);
                var status = (int)response.StatusCode;
                var success = status is >= 200 and < 300;
                var body = (await ReadBodyAsync(response.Content, success ? limit : MaxErrorBodyBytes, truncate: !success, token)
                    .ConfigureAwait(false)) with { StatusCode = status };
                if (_options.Log is not null)
                {
                    Log($"{method.Method} {uri.AbsolutePath} -> {status} {response.ReasonPhrase} ({ElapsedMilliseconds(started)} ms)");
                }

                if (success)
                {
                    _gate.OnSuccess();
                    return body with { Replayed = IsReplay(response) };
                }

                // Error paths may buffer: they are rare and their messages need the bytes.
                var bodyBytes = body.Span.ToArray();
                body.Return();
                var retryAfter = ApiErrorReader.ReadRetryAfter(response.Headers, TimeProvider.GetUtcNow());
                if (status == 429)
                {
                    _gate.OnRateLimited(retryAfter);
                }
                else
                {
                    _gate.OnSuccess();
                }

                failure = ApiErrorReader.FromResponse(status, response.ReasonPhrase, bodyBytes, retryAfter, taskId, Secrets);
                reason = Secrets.Redact($"{status} {(string.IsNullOrEmpty(response.ReasonPhrase) ? ApiErrorReader.DescribeStatus(status) : response.ReasonPhrase)}");
                verdict = RetryRules.ForStatus(status);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw;
            }
            catch (ResponseTooLargeException tooLarge)
            {
                reason = $"an answer larger than {tooLarge.Limit} bytes";
                Log($"{method.Method} {uri.AbsolutePath} refused after {ElapsedMilliseconds(started)} ms: {reason}");
                failure = ApiErrorReader.InvalidResponse(
                    $"{(taskId is null ? "" : $"Task {taskId}: ")}HiAPI's answer to {method.Method} {uri.AbsolutePath} is larger than {tooLarge.Limit} bytes; it was not read.",
                    taskId, Secrets);
                verdict = RetryRules.ForUnusableAnswer();
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
            {
                var timedOut = ex is OperationCanceledException;
                var path = uri.AbsolutePath;
                // A proxy's words may repeat the key: the reason goes to logs, retry events and the error.
                reason = Secrets.Redact(timedOut ? $"no answer within {attemptTimeout.TotalSeconds:0.##} s" : ConnectFailure.Describe(ex));
                Log($"{method.Method} {path} failed after {ElapsedMilliseconds(started)} ms: {reason}");
                var message = $"{(taskId is null ? "" : $"Task {taskId}: ")}Could not complete {method.Method} {path} at {BaseUri.Host}: {reason}.";
                // Keep the cause for diagnosis, unless something in it (a proxy's text) repeats the key.
                var inner = Secrets.IsIn(ex.ToString()) ? null : ex;
                failure = new HiApiException(HiApiErrorKind.Network, Secrets.Redact(message), inner) { TaskId = taskId };
                verdict = RetryRules.ForNoAnswer(ex, timedOut);
            }
            finally
            {
                ReturnTimeoutSource(timeoutSource, link);
            }

            outcome?.Observe(verdict, reason);
            var retryable = RetryRules.MayRetry(verdict, safety);
            var retryNumber = retriesDone + 1;
            var delay = retryable ? policy.GetDelay(retryNumber, failure.RetryAfter, Random.Shared) : TimeSpan.Zero;
            var budgetLeft = _options.RetryBudget - Stopwatch.GetElapsedTime(firstAttempt);
            if (!retryable || retriesDone >= policy.MaxRetries || delay >= budgetLeft)
            {
                throw retryable && retriesDone > 0
                    ? failure.With(message: $"{failure.Message} (Gave up after {retriesDone} {(retriesDone == 1 ? "retry" : "retries")} in {Stopwatch.GetElapsedTime(firstAttempt).TotalSeconds:0.#} s.)")
                    : failure;
            }

            Interlocked.Increment(ref _retryCount);
            var retryPath = uri.AbsolutePath;
            Log($"{method.Method} {retryPath}: {reason}; retry {retryNumber} of {policy.MaxRetries} in {delay.TotalSeconds:0.##} s");
            Retrying?.Invoke(this, new RetryingEventArgs(retryNumber, delay, reason, method.Method, retryPath));
            slot.Dispose(); // never hold a place in flight while sleeping
            await policy.Delay(delay, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The attempt's time limit: the per-request timeout, but never past the request's retry budget, and never so short
    /// (under a second, or the timeout if that is shorter) that the last attempt could not be answered at all.
    /// </summary>
    private TimeSpan AttemptTimeout(long firstAttempt)
    {
        if (_options.RequestTimeout == Timeout.InfiniteTimeSpan)
        {
            return Timeout.InfiniteTimeSpan;
        }

        var left = _options.RetryBudget - Stopwatch.GetElapsedTime(firstAttempt);
        var floor = TimeSpan.FromSeconds(1) < _options.RequestTimeout ? TimeSpan.FromSeconds(1) : _options.RequestTimeout;
        return left < _options.RequestTimeout ? (left > floor ? left : floor) : _options.RequestTimeout;
    }

    private static bool IsReplay(HttpResponseMessage response) =>
        response.Headers.TryGetValues(ReplayHeader, out var values)
        && values.Any(value => string.Equals(value.Trim(), "true", StringComparison.OrdinalIgnoreCase));

    private static long ElapsedMilliseconds(long started) => (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;

    /// <summary>
    /// The attempt's token: <paramref name="ct"/> plus the request timeout. Null (use <paramref name="ct"/> alone)
    /// when there is no timeout. Instead of a linked source and a new timer per attempt, an idle source is reused
    /// and <paramref name="ct"/> cancels it through a registration.
    /// </summary>
    private CancellationTokenSource? RentTimeoutSource(CancellationToken ct, TimeSpan timeout, out CancellationTokenRegistration link)
    {
        link = default;
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return null;
        }

        var source = Interlocked.Exchange(ref _spareTimeoutSource, null) ?? new CancellationTokenSource();
        if (ct.CanBeCanceled)
        {
            link = ct.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), source);
        }

        source.CancelAfter(timeout);
        return source;
    }

    private void ReturnTimeoutSource(CancellationTokenSource? source, CancellationTokenRegistration link)
    {
        if (source is null)
        {
            return;
        }

        // Disposing the link waits for a running callback, so a reset source can never be cancelled late by it.
        link.Dispose();
        // TryReset fails once the source was cancelled (timeout or caller): such a source is never reused.
        if (!source.TryReset() || Interlocked.CompareExchange(ref _spareTimeoutSource, source, null) is not null)
        {
            source.Dispose();
        }
    }

    /// <summary>
    /// Reads the body into a rented buffer (grown if the answer is bigger than announced), at most
    /// <paramref name="limit"/> bytes: past it, <paramref name="truncate"/> keeps the first bytes (an error page, read
    /// for its message), otherwise <see cref="ResponseTooLargeException"/> (a hostile or broken server must not make
    /// a poll allocate gigabytes).
    /// </summary>
    private static async Task<ApiResponse> ReadBodyAsync(HttpContent content, int limit, bool truncate, CancellationToken ct)
    {
        var announced = content.Headers.ContentLength;
        if (announced > limit && !truncate)
        {
            throw new ResponseTooLargeException(limit);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(announced is > 0 && announced <= limit ? (int)announced.Value : Math.Min(InitialBodyBuffer, limit));
        var length = 0;
        try
        {
            var stream = await content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                while (length != announced)
                {
                    if (length == buffer.Length)
                    {
                        if (length >= limit)
                        {
                            if (truncate)
                            {
                                break;
                            }

                            throw new ResponseTooLargeException(limit);
                        }

                        var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, limit));
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }

                    var read = await stream.ReadAsync(buffer.AsMemory(length, Math.Min(buffer.Length, limit) - length), ct).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    length += read;
                }
            }

            return new ApiResponse(0, buffer, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private void Log(string line) => _options.Log?.Invoke(Secrets.Redact(line));

    /// <summary>A 2xx answer's body in a rented buffer; <see cref="Return"/> once parsed.</summary>
    private readonly record struct ApiResponse(int StatusCode, byte[] Buffer, int Length, bool Replayed = false)
    {
        public ReadOnlySpan<byte> Span => Buffer.AsSpan(0, Length);

        public void Return() => ArrayPool<byte>.Shared.Return(Buffer);
    }

    /// <summary>An answer over the size limit: never read further.</summary>
    private sealed class ResponseTooLargeException(int limit) : Exception
    {
        public int Limit { get; } = limit;
    }
}
