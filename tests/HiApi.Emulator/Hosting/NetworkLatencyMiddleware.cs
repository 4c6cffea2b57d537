using Microsoft.AspNetCore.Http;

namespace HiApi.Emulator.Hosting;

/// <summary>
/// Adds <see cref="EmulatorOptions.LatencyMs"/> before every API and storage answer, so benchmarks see a round trip
/// like a real network's. Awaited, so waiting requests hold no thread; a client that leaves ends the wait.
/// </summary>
internal sealed class NetworkLatencyMiddleware(RequestDelegate next, EmulatorState state)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var latency = state.Options.LatencyMs;
        if (latency > 0)
        {
            await Task.Delay(latency, context.RequestAborted);
        }
        await next(context);
    }
}
