using HiApi.Emulator.Hosting;
using Microsoft.AspNetCore.Http;

namespace HiApi.Emulator.Api;

/// <summary>Reads <c>Authorization: Bearer &lt;key&gt;</c> and finds the configured key; anything else is a 401.</summary>
internal static class ApiKeyAuthenticator
{
    private const string Scheme = "Bearer ";

    public static EmulatorApiKey? Authenticate(HttpContext context, EmulatorState state)
    {
        var values = context.Request.Headers.Authorization;
        if (values.Count != 1 || values[0] is not { } header)
        {
            return null;
        }
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var secret = header[Scheme.Length..];
        return secret.Length == 0 || secret.Any(char.IsWhiteSpace) ? null : state.FindKey(secret);
    }
}
