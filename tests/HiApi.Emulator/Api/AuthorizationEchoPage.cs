using System.Net;
using System.Text;
using HiApi.Emulator.Faults;
using Microsoft.AspNetCore.Http;

namespace HiApi.Emulator.Api;

/// <summary>
/// <see cref="EmulatorOptions.EchoAuthorizationInErrorPages"/>: a 5xx HTML page whose readable text is
/// <c>offset</c> characters of filler and then the request's Authorization header, whole. A client that quotes an
/// excerpt of error pages cuts the key mid-way at the default offset (190 of a 200-character excerpt), which a test
/// can then find in the client's messages and logs. Like a misconfigured proxy that echoes the request.
/// </summary>
internal static class AuthorizationEchoPage
{
    private const string Filler = "upstream error while handling the request; the gateway echoes it for debugging. ";

    public static Task WriteAsync(HttpContext context, ServerErrorKind kind, int offset)
    {
        var text = FillerOf(offset) + context.Request.Headers.Authorization.ToString();
        var page = Encoding.UTF8.GetBytes($"<html><body>{WebUtility.HtmlEncode(text)}</body></html>\n");
        return ApiResponses.WriteHtmlAsync(context, ApiResponses.StatusCodeOf(kind), page);
    }

    /// <summary>Exactly <paramref name="length"/> characters of filler text.</summary>
    public static string FillerOf(int length)
    {
        var filler = new StringBuilder(length + Filler.Length);
        while (filler.Length < length)
        {
            filler.Append(Filler);
        }
        return filler.ToString(0, length);
    }
}
