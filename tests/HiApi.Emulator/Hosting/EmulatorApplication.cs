using System.Text;
using HiApi.Emulator.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HiApi.Emulator.Hosting;

/// <summary>Builds the ASP.NET Core app: Kestrel on the given loopback URL, the routes, and quiet logging.</summary>
internal static class EmulatorApplication
{
    public const int MaxRequestLineBytes = 256 * 1024;

    public static WebApplication Build(EmulatorState state, string urls)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = typeof(EmulatorApplication).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseUrls(urls);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Idempotency-Key is limited in UTF-8 bytes, so non-ASCII header values must arrive, decoded as UTF-8.
            kestrel.RequestHeaderEncodingSelector = _ => Encoding.UTF8;
            // Planted task ids may be long; their escaped form must fit in the request line (Kestrel: 8 KiB; the
            // request buffer, 1 MiB, must hold the headers).
            kestrel.Limits.MaxRequestLineSize = MaxRequestLineBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = MaxRequestLineBytes + 64 * 1024;
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // A failed start (port in use) surfaces as the exception StartAsync throws; no second, stack-traced copy.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        builder.Services.AddSingleton<IHostLifetime, NoConsoleLifetime>();

        var app = builder.Build();
        app.UseMiddleware<RequestRecordingMiddleware>(state);
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments("/v1") || context.Request.Path.StartsWithSegments("/storage")
                || context.Request.Path.StartsWithSegments("/api"),
            network => network.UseMiddleware<NetworkLatencyMiddleware>(state));
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments("/_emulator"),
            control => control.UseMiddleware<LoopbackOnlyMiddleware>());

        var tasks = new TaskEndpoints(state);
        app.MapPost("/v1/tasks", new RequestDelegate(tasks.CreateAsync));
        app.MapGet("/v1/tasks/{taskId}", new RequestDelegate(tasks.GetAsync));
        app.MapGet("/v1/tasks", new RequestDelegate(new TaskListEndpoint(state).ListAsync));
        app.Map("/v1/{**rest}", new RequestDelegate(TaskEndpoints.UnknownRouteAsync));

        app.MapGet("/api/pricing", new RequestDelegate(new PricingEndpoint(state).GetAsync));

        var storage = new StorageEndpoints(state);
        app.MapMethods("/storage/{fileName}", [HttpMethods.Get, HttpMethods.Head], new RequestDelegate(storage.DownloadAsync));

        var control = new ControlEndpoints(state);
        app.MapGet("/_emulator/requests", new RequestDelegate(control.GetRequestsAsync));
        app.MapDelete("/_emulator/requests", new RequestDelegate(control.ClearRequestsAsync));
        app.MapGet("/_emulator/callbacks", new RequestDelegate(control.GetCallbacksAsync));
        app.MapGet("/_emulator/tasks", new RequestDelegate(control.GetTasksAsync));
        app.MapPost("/_emulator/tasks", new RequestDelegate(control.PlantTaskAsync));
        app.MapGet("/_emulator/faults", new RequestDelegate(control.GetFaultsAsync));
        app.MapPut("/_emulator/faults", new RequestDelegate(control.PutFaultsAsync));
        app.MapGet("/_emulator/stats", new RequestDelegate(control.GetStatsAsync));
        app.MapGet("/_emulator/config", new RequestDelegate(control.GetConfigAsync));
        app.MapPut("/_emulator/config", new RequestDelegate(control.PutConfigAsync));
        app.MapPut("/_emulator/keys", new RequestDelegate(control.PutKeysAsync));
        app.MapGet("/_emulator/balance/{key}", new RequestDelegate(control.GetBalanceAsync));
        return app;
    }
}
