using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace HiApi.Client.Tests;

/// <summary>
/// An in-memory server: each request is recorded, then answered by <see cref="Respond"/>.
/// Tracks how many requests are in flight at once, to check concurrency limits.
/// </summary>
public sealed class FakeHttpHandler : HttpMessageHandler
{
    private readonly Func<RecordedHttpRequest, int, CancellationToken, Task<HttpResponseMessage>> _respond;
    private readonly ConcurrentQueue<RecordedHttpRequest> _requests = new();
    private int _count;
    private int _inFlight;
    private int _maxInFlight;

    public FakeHttpHandler(Func<RecordedHttpRequest, int, CancellationToken, Task<HttpResponseMessage>> respond)
    {
        _respond = respond;
    }

    public FakeHttpHandler(Func<RecordedHttpRequest, int, HttpResponseMessage> respond)
        : this((request, index, _) => Task.FromResult(respond(request, index)))
    {
    }

    /// <summary>Answers the queued responses in order; the last one repeats.</summary>
    public static FakeHttpHandler Sequence(params Func<HttpResponseMessage>[] responses) =>
        new((_, index) => responses[Math.Min(index, responses.Length - 1)]());

    public IReadOnlyList<RecordedHttpRequest> Requests => _requests.ToArray();
    public int Count => Volatile.Read(ref _count);
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var headerNames = request.Headers.Select(h => h.Key).Concat(request.Content?.Headers.Select(h => h.Key) ?? Enumerable.Empty<string>()).ToList();
        var recorded = new RecordedHttpRequest(
            request.Method,
            request.RequestUri!,
            request.Headers.Authorization?.ToString(),
            request.Headers.Range?.ToString(),
            body,
            headerNames,
            request.Headers.TryGetValues("Idempotency-Key", out var keys) ? keys.Single() : null,
            request.Headers.IfRange?.ToString());
        _requests.Enqueue(recorded);
        var index = Interlocked.Increment(ref _count) - 1;

        var inFlight = Interlocked.Increment(ref _inFlight);
        int seen;
        while (inFlight > (seen = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, inFlight, seen) != seen)
        {
        }

        try
        {
            var response = await _respond(recorded, index, cancellationToken);
            response.RequestMessage ??= request;
            return response;
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    public static HttpResponseMessage Json(HttpStatusCode status, string json)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        return response;
    }

    public static HttpResponseMessage Json(int status, string json) => Json((HttpStatusCode)status, json);

    public static HttpResponseMessage Text(int status, string text, string mediaType = "text/html") =>
        new((HttpStatusCode)status) { Content = new StringContent(text, Encoding.UTF8, mediaType) };
}
