using HiApi.Emulator.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace HiApi.Emulator;

/// <summary>
/// A running emulator of the HiAPI task API on a loopback address. Start one per test (it takes milliseconds),
/// point the client at <see cref="BaseAddress"/>, look inside with <see cref="Requests"/>, <see cref="Tasks"/>,
/// <see cref="CallbackDeliveries"/> and <see cref="Faults"/>, and dispose it at the end.
/// </summary>
public sealed class EmulatorServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly EmulatorState _state;
    private readonly SemaphoreSlim _stopGate = new(1, 1);
    private bool _stopped;

    private EmulatorServer(WebApplication app, EmulatorState state)
    {
        _app = app;
        _state = state;
    }

    /// <summary>
    /// Starts an emulator. <paramref name="url"/> must be a loopback http URL (port 0 picks a free port);
    /// several may be given separated by ';'.
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid or the URL is not loopback.</exception>
    public static Task<EmulatorServer> StartAsync(
        EmulatorOptions? options = null, string url = "http://127.0.0.1:0", CancellationToken ct = default) =>
        StartAsync(options, url, TimeProvider.System, ct);

    /// <summary>Starts an emulator whose emulated time comes from <paramref name="clock"/> (tests use a manual clock).</summary>
    internal static async Task<EmulatorServer> StartAsync(
        EmulatorOptions? options, string url, TimeProvider clock, CancellationToken ct = default)
    {
        options ??= new EmulatorOptions();
        OptionsValidator.ThrowIfInvalid(options);
        LoopbackUrls.ThrowIfNotLoopback(url);
        url = LoopbackUrls.Normalize(url);

        var state = new EmulatorState(options, clock);
        var app = EmulatorApplication.Build(state, url);
        try
        {
            await app.StartAsync(ct);
        }
        catch
        {
            await state.Callbacks.DisposeAsync();
            await app.DisposeAsync();
            throw;
        }

        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        var first = addresses.FirstOrDefault(address => address.Contains("127.0.0.1", StringComparison.Ordinal))
            ?? addresses.First();
        state.BaseAddress = new Uri(first.TrimEnd('/') + "/");
        return new EmulatorServer(app, state);
    }

    /// <summary>Where the emulator listens, e.g. <c>http://127.0.0.1:41234/</c> (trailing slash).</summary>
    public Uri BaseAddress => _state.BaseAddress;

    /// <summary>The live options: changes take effect for later requests.</summary>
    public EmulatorOptions Options => _state.Options;

    /// <summary>A snapshot of the API and download requests received (while <see cref="EmulatorOptions.RecordRequests"/>).</summary>
    public IReadOnlyList<RecordedRequest> Requests => _state.Requests.Snapshot();

    public void ClearRequests() => _state.Requests.Clear();

    /// <summary>A snapshot of every callback delivery attempt.</summary>
    public IReadOnlyList<CallbackDelivery> CallbackDeliveries => _state.CallbackLog.Snapshot();

    /// <summary>Every task created, in creation order, with its status now.</summary>
    public IReadOnlyList<EmulatedTaskInfo> Tasks => _state.Tasks.Snapshot();

    /// <summary>How many faults of each kind were injected.</summary>
    public FaultCounters Faults => _state.Faults.Counters;

    /// <summary>Callbacks scheduled whose deliveries have not all finished (lets tests prove "exactly N").</summary>
    internal int PendingCallbacks => _state.Callbacks.PendingCount;

    /// <summary>
    /// The key's configured balance less what successful tasks were charged; reservations of unfinished tasks are
    /// not deducted. <see cref="decimal.MaxValue"/> for a key with unlimited balance.
    /// </summary>
    /// <exception cref="KeyNotFoundException">The key is not configured.</exception>
    public decimal GetBalance(string key)
    {
        var configured = _state.FindKey(key) ?? throw new KeyNotFoundException("No such API key is configured.");
        return _state.Ledger.BalanceOf(configured);
    }

    /// <summary>Stops listening and ends pending callbacks. Safe to call more than once.</summary>
    public async Task StopAsync()
    {
        await _stopGate.WaitAsync();
        try
        {
            if (_stopped)
            {
                return;
            }
            _stopped = true;
            await _state.Callbacks.DisposeAsync();
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        finally
        {
            _stopGate.Release();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
