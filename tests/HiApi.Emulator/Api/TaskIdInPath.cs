using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace HiApi.Emulator.Api;

/// <summary>
/// The <c>{taskId}</c> of <c>/v1/tasks/{taskId}</c>, unescaped exactly once from the raw request target. The route
/// value is not enough: Kestrel leaves <c>%2F</c> escaped in the path, so an id containing '/' (possible for planted
/// tasks) would never match.
/// </summary>
internal static class TaskIdInPath
{
    private const string Prefix = "/v1/tasks/";

    public static string Read(HttpContext context)
    {
        var routed = context.Request.RouteValues["taskId"] as string ?? "";
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (target is null)
        {
            return routed;
        }
        var path = target.Split('?', 2)[0];
        var at = path.IndexOf(Prefix, StringComparison.Ordinal);
        return at < 0 ? routed : Uri.UnescapeDataString(path[(at + Prefix.Length)..]);
    }
}
