using System.Net.Http.Headers;
using HiApi.Emulator.Api;
using HiApi.Emulator.Hosting;
using HiApi.Emulator.Json;
using HiApi.Emulator.Tasks;

namespace HiApi.Emulator.Callbacks;

/// <summary>
/// POSTs each final task to its <c>callback.url</c> when it finishes: best effort, no retry, delivered
/// <see cref="EmulatorOptions.CallbackDeliveries"/> times (2 makes the duplicates the seeds warn about real),
/// every attempt logged. One delayed task per callback; all of them end on <see cref="StopAsync"/>.
/// </summary>
internal sealed class CallbackDispatcher : IAsyncDisposable
{
    private static readonly TimeSpan ReceiverTimeout = TimeSpan.FromSeconds(10);

    private readonly EmulatorState _state;
    private readonly CancellationTokenSource _stopping = new();
    private readonly HttpClient _http;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Task> _pending = new(StringComparer.Ordinal);

    public CallbackDispatcher(EmulatorState state)
    {
        _state = state;
        // No proxy: receivers are usually on loopback, and an environment proxy must not swallow them.
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(5) })
        {
            Timeout = ReceiverTimeout,
        };
    }

    public int PendingCount => _pending.Count;

    public void Schedule(EmulatedTask task)
    {
        if (task.CallbackUrl is null || _stopping.IsCancellationRequested)
        {
            return;
        }
        var run = DeliverWhenFinishedAsync(task, task.CallbackUrl, _stopping.Token);
        _pending[task.Id] = run;
        // Remove on completion; if it already completed, the continuation runs at once.
        run.ContinueWith(_ => _pending.TryRemove(task.Id, out Task? _), TaskScheduler.Default);
    }

    public async Task StopAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync();
        }
        await Task.WhenAll(_pending.Values.ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _http.Dispose();
        _stopping.Dispose();
    }

    private async Task DeliverWhenFinishedAsync(EmulatedTask task, string url, CancellationToken stopping)
    {
        try
        {
            // Timers may fire a hair early; the status is what counts.
            while (!task.IsFinished)
            {
                var wait = task.TimeToFinish - task.Elapsed;
                await Task.Delay(wait > TimeSpan.FromMilliseconds(1) ? wait : TimeSpan.FromMilliseconds(1), _state.Clock, stopping);
            }

            var options = _state.Options;
            var body = EmulatorJson.Write(w =>
            {
                if (options.CallbackWrapped)
                {
                    ApiResponses.WriteSuccessEnvelope(w, data => TaskJson.WriteTask(data, task, _state.BaseAddress, _state.Signer));
                }
                else
                {
                    TaskJson.WriteTask(w, task, _state.BaseAddress, _state.Signer);
                }
            });
            var bodyText = System.Text.Encoding.UTF8.GetString(body);

            for (var attempt = 1; attempt <= options.CallbackDeliveries; attempt++)
            {
                stopping.ThrowIfCancellationRequested();
                _state.CallbackLog.Add(await DeliverOnceAsync(task.Id, url, attempt, body, bodyText, stopping));
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The emulator is stopping: undelivered callbacks are simply lost, as the seeds say they may be.
        }
    }

    private async Task<CallbackDelivery> DeliverOnceAsync(
        string taskId, string url, int attempt, byte[] body, string bodyText, CancellationToken stopping)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            var (timestamp, signature) = SignIfConfigured(request, body);
            using var response = await _http.SendAsync(request, stopping);
            return new CallbackDelivery(taskId, url, attempt, (int)response.StatusCode, null, _state.Clock.GetUtcNow(), bodyText,
                timestamp, signature);
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException && !stopping.IsCancellationRequested)
        {
            var reason = error is TaskCanceledException ? $"timed out after {ReceiverTimeout.TotalSeconds:0} s" : error.Message;
            return new CallbackDelivery(taskId, url, attempt, null, reason, _state.Clock.GetUtcNow(), bodyText);
        }
    }

    /// <summary>Signs this attempt (its own timestamp) over exactly the bytes it sends, when a signing key is set.</summary>
    private (string? Timestamp, string? Signature) SignIfConfigured(HttpRequestMessage request, byte[] body)
    {
        var options = _state.Options;
        if (string.IsNullOrEmpty(options.WebhookSigningKey))
        {
            return (null, null);
        }
        var seconds = _state.Clock.GetUtcNow().ToUnixTimeSeconds() + options.WebhookTimestampSkewSeconds;
        var timestamp = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = WebhookSignature.Sign(options.WebhookSigningKey, timestamp, body);
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp);
        request.Headers.Add(WebhookSignature.SignatureHeader, signature);
        return (timestamp, signature);
    }
}
