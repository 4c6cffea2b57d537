using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HiApi.FaultInjection.Tests.Support;

/// <summary>
/// A webhook receiver on loopback that does what the seeds ask of one: answer 2xx at once and count every
/// delivery by <c>taskId</c> (from <c>data.taskId</c> of the envelope, or <c>taskId</c> of a bare task), so a
/// test can see the duplicates the platform's best-effort delivery produces.
/// </summary>
public sealed class CallbackCounter : IAsyncDisposable
{
    private const string HookPath = "/hook";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _deliveries = new(StringComparer.Ordinal);
    private int _unreadable;

    private CallbackCounter(WebApplication app)
    {
        _app = app;
    }

    /// <summary>The URL to pass as <c>callback.url</c>.</summary>
    public string Url { get; private set; } = "";

    /// <summary>Deliveries received per task id.</summary>
    public IReadOnlyDictionary<string, int> DeliveriesByTask => new Dictionary<string, int>(_deliveries, StringComparer.Ordinal);

    public int TotalDeliveries => _deliveries.Values.Sum();

    /// <summary>Deliveries beyond the first for the same task.</summary>
    public int Duplicates => _deliveries.Values.Sum(count => count - 1);

    /// <summary>Bodies that named no task id; a well-behaved platform sends none.</summary>
    public int Unreadable => Volatile.Read(ref _unreadable);

    public static async Task<CallbackCounter> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        var receiver = new CallbackCounter(app);
        app.MapPost(HookPath, receiver.ReceiveAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        receiver.Url = address.TrimEnd('/') + HookPath;
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        string? taskId = null;
        try
        {
            using var body = await JsonDocument.ParseAsync(request.Body);
            var task = body.RootElement.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object ? data : body.RootElement;
            taskId = task.TryGetProperty("taskId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        }
        catch (JsonException)
        {
        }

        if (string.IsNullOrEmpty(taskId))
        {
            Interlocked.Increment(ref _unreadable);
        }
        else
        {
            _deliveries.AddOrUpdate(taskId, 1, static (_, count) => count + 1);
        }

        return Results.Ok();
    }
}
