using HiApi.Mock.Api;
using HiApi.Mock.Hosting;

namespace HiApi.Mock;

/// <summary>
/// A running offline stand-in for HiAPI on <c>http://127.0.0.1:&lt;free port&gt;/</c>: creates with the API's validation
/// texts and idempotency keys, task reads and listing, the status lifecycle, signed expiring storage serving a small
/// valid MP4, callbacks, 401/402/403/429 on demand and the public price list. It accepts only its own
/// <see cref="ApiKey"/>, records every request (<see cref="Requests"/>) and every task it made (<see cref="Tasks"/>).
/// Start-HiApiMock runs one for a PowerShell session; tests start their own.
/// </summary>
public sealed class MockServer : IAsyncDisposable, IDisposable
{
    private readonly MockState _state;
    private readonly SocketServer _server;
    private int _stopped;

    private MockServer(MockState state, SocketServer server)
    {
        _state = state;
        _server = server;
    }

    /// <summary>Binds 127.0.0.1 on a free port and starts answering.</summary>
    /// <exception cref="ArgumentException">An option is out of range (the message names it).</exception>
    public static MockServer Start(MockOptions? options = null) => Start(options, TimeProvider.System);

    internal static MockServer Start(MockOptions? options, TimeProvider clock)
    {
        options ??= new MockOptions();
        options.ThrowIfInvalid();
        var state = new MockState(options, clock);
        var api = new MockApi(state);
        var server = new SocketServer(api.HandleAsync);
        state.BaseUri = new Uri($"http://127.0.0.1:{server.Port}/");
        server.Start();
        return new MockServer(state, server);
    }

    /// <summary>Where it listens, with a trailing slash: the module's base URI while it runs.</summary>
    public Uri BaseUri => _state.BaseUri;

    /// <summary>The one key it accepts (made up per instance; any other key is 401). Not a secret: it opens nothing but this stand-in.</summary>
    public string ApiKey => _state.ApiKey;

    /// <summary>The live options: changes apply to later requests.</summary>
    public MockOptions Options => _state.Options;

    /// <summary>A snapshot of every request received, in order. Never holds a key.</summary>
    public IReadOnlyList<MockRequest> Requests => _state.Requests.Snapshot();

    /// <summary>A snapshot of every task made (each would have been paid for), in creation order, with its status now.</summary>
    public IReadOnlyList<MockTaskInfo> Tasks => _state.Tasks.Snapshot().Select(task => task.ToInfo()).ToList();

    /// <summary>A snapshot of every callback delivery attempt.</summary>
    public IReadOnlyList<MockCallbackDelivery> Callbacks => _state.Callbacks.Deliveries;

    /// <summary>The statuses <see cref="RefuseNextCreates"/> (and Start-HiApiMock -RefuseCreate) take.</summary>
    public static IReadOnlyList<int> RefusableStatuses => Refusals.Supported;

    /// <summary>True until <see cref="Stop"/>.</summary>
    public bool IsRunning => Volatile.Read(ref _stopped) == 0;

    public void ClearRequests() => _state.Requests.Clear();

    /// <summary>
    /// The next creates that pass validation are refused with these statuses, one each, in order (then creates are
    /// served again): 401, 402 (<c>INSUFFICIENT_BALANCE</c>), 403, 429 (<c>RATE_LIMITED</c> with Retry-After), 500 or
    /// 503 (<c>SERVICE_UNAVAILABLE</c> with Retry-After). A refused create makes no task and releases its idempotency key.
    /// </summary>
    /// <exception cref="ArgumentException">A status not in that list.</exception>
    public void RefuseNextCreates(params int[] statuses)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        var unsupported = statuses.Where(status => !Refusals.Supported.Contains(status)).ToList();
        if (unsupported.Count > 0)
        {
            throw new ArgumentException(
                $"A create can be refused with {string.Join(", ", Refusals.Supported)}; not with {string.Join(", ", unsupported)}.", nameof(statuses));
        }

        foreach (var status in statuses)
        {
            _state.Refusals.Enqueue(status);
        }
    }

    /// <summary>Refusals queued by <see cref="RefuseNextCreates"/> that no create has used yet.</summary>
    public int PendingRefusals => _state.Refusals.Count;

    /// <summary>Stops listening and ends pending callbacks. Safe to call more than once.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        await _server.DisposeAsync().ConfigureAwait(false);
        await _state.Callbacks.DisposeAsync().ConfigureAwait(false);
    }

    public void Stop() => StopAsync().GetAwaiter().GetResult();

    public ValueTask DisposeAsync() => new(StopAsync());

    public void Dispose() => Stop();

    public override string ToString() => $"HiAPI stand-in at {BaseUri}";
}
