using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using HiApi.Client;
using HiApi.Mock.Api;
using HiApi.Mock.Tasks;
using TaskJson = HiApi.Mock.Api.TaskJson;

namespace HiApi.Mock.Callbacks;

/// <summary>
/// POSTs each final task to its <c>callback.url</c> when it finishes: once, best effort, no retry (as the seeds warn,
/// a callback may never arrive), signed when a webhook secret is set. Every attempt is logged; pending ones end when
/// the stand-in stops.
/// </summary>
internal sealed class CallbackSender : IAsyncDisposable
{
    private static readonly TimeSpan ReceiverTimeout = TimeSpan.FromSeconds(10);

    private readonly MockState _state;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, Task> _pending = new(StringComparer.Ordinal);
    private readonly HttpClient _http;
    private readonly object _logGate = new();
    private readonly List<MockCallbackDelivery> _log = [];

    public CallbackSender(MockState state)
    {
        _state = state;
        // No proxy: receivers are usually on loopback, and a proxy from the environment must not swallow them.
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(5) })
        {
            Timeout = ReceiverTimeout,
        };
    }

    public IReadOnlyList<MockCallbackDelivery> Deliveries
    {
        get
        {
            lock (_logGate)
            {
                return [.. _log];
            }
        }
    }

    public void Schedule(StandInTask task)
    {
        if (task.CallbackUrl is not { } url || _stopping.IsCancellationRequested)
        {
            return;
        }

        var run = DeliverWhenFinishedAsync(task, url, _stopping.Token);
        _pending[task.Id] = run;
        _ = run.ContinueWith(_ => _pending.TryRemove(task.Id, out Task? _), TaskScheduler.Default);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        await Task.WhenAll(_pending.Values.ToArray()).ConfigureAwait(false);
        _http.Dispose();
    }

    private async Task DeliverWhenFinishedAsync(StandInTask task, string url, CancellationToken stopping)
    {
        try
        {
            // Timers may fire a hair early; the status is what counts.
            while (!task.IsFinished)
            {
                var wait = task.TimeToFinish - task.Elapsed;
                await Task.Delay(wait > TimeSpan.FromMilliseconds(1) ? wait : TimeSpan.FromMilliseconds(1), _state.Clock, stopping).ConfigureAwait(false);
            }

            var options = _state.Options;
            var body = ApiJson.Write(w =>
            {
                if (options.CallbackWrapped)
                {
                    ApiJson.WriteSuccess(w, data => TaskJson.Write(data, task, _state.BaseUri, _state.Urls));
                }
                else
                {
                    TaskJson.Write(w, task, _state.BaseUri, _state.Urls);
                }
            });
            var delivery = await DeliverAsync(task.Id, url, body, options.WebhookSecret, stopping).ConfigureAwait(false);
            lock (_logGate)
            {
                _log.Add(delivery);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping: an undelivered callback is lost, as the seeds say one may be.
        }
    }

    private async Task<MockCallbackDelivery> DeliverAsync(string taskId, string url, byte[] body, WebhookSecret? secret, CancellationToken stopping)
    {
        var text = Encoding.UTF8.GetString(body);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            if (secret is not null)
            {
                // Signed over exactly the bytes sent, with this attempt's own timestamp.
                var timestamp = _state.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
                request.Headers.Add(CallbackSignature.TimestampHeader, timestamp);
                request.Headers.Add(CallbackSignature.SignatureHeader, CallbackSignature.Compute(secret, timestamp, body));
            }

            using var response = await _http.SendAsync(request, stopping).ConfigureAwait(false);
            return new MockCallbackDelivery(taskId, url, (int)response.StatusCode, null, _state.Clock.GetUtcNow(), text, secret is not null);
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException && !stopping.IsCancellationRequested)
        {
            var reason = error is TaskCanceledException ? $"timed out after {ReceiverTimeout.TotalSeconds:0} s" : error.Message;
            return new MockCallbackDelivery(taskId, url, null, reason, _state.Clock.GetUtcNow(), text, secret is not null);
        }
    }
}
