using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HiApi.Emulator.Tests.Support;

/// <summary>
/// A webhook receiver on 127.0.0.1:0 that keeps every body it is POSTed (the raw bytes, with the signature headers)
/// and answers a chosen status.
/// </summary>
public sealed class CallbackReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedCallback> _received = new();

    private CallbackReceiver(WebApplication app) => _app = app;

    public IReadOnlyList<string> Bodies => _received.Select(r => Encoding.UTF8.GetString(r.Body)).ToArray();

    public IReadOnlyList<ReceivedCallback> Received => _received.ToArray();

    public string Url { get; private set; } = "";

    public static async Task<CallbackReceiver> StartAsync(int answerStatus = 200)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new CallbackReceiver(app);
        app.MapPost("/hooks/hiapi", new RequestDelegate(async context =>
        {
            using var raw = new MemoryStream();
            await context.Request.Body.CopyToAsync(raw);
            receiver._received.Enqueue(new ReceivedCallback(
                raw.ToArray(),
                context.Request.Headers["X-HiAPI-Timestamp"].FirstOrDefault(),
                context.Request.Headers["X-HiAPI-Signature"].FirstOrDefault()));
            context.Response.StatusCode = answerStatus;
        }));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        receiver.Url = address.TrimEnd('/') + "/hooks/hiapi";
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
