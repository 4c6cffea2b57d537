using System.Net;
using Microsoft.AspNetCore.Http;

namespace HiApi.Emulator.Hosting;

/// <summary>
/// The control endpoints can rewrite keys and faults, so only callers on this machine may use them, even if the
/// emulator were ever reachable from elsewhere.
/// </summary>
internal sealed class LoopbackOnlyMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var remote = context.Connection.RemoteIpAddress;
        if (remote is null || !IPAddress.IsLoopback(remote))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"error":"the control endpoints accept loopback callers only"}""");
            return;
        }
        await next(context);
    }
}
