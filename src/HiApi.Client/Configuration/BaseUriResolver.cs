namespace HiApi.Client;

/// <summary>
/// Where the API lives: <c>-BaseUri</c>, else <c>HIAPI_BASE_URL</c>, else the public endpoint. The key
/// travels with every request, so plain http is accepted only when it cannot leave the machine.
/// </summary>
public static class BaseUriResolver
{
    public const string DefaultBaseUri = "https://api.hiapi.ai";
    public const string EnvironmentVariable = "HIAPI_BASE_URL";

    public static Uri Resolve(string? explicitUri, Func<string, string?>? getEnvironmentVariable = null)
    {
        getEnvironmentVariable ??= Environment.GetEnvironmentVariable;
        if (!string.IsNullOrWhiteSpace(explicitUri))
        {
            return Check(explicitUri.Trim(), "-BaseUri");
        }

        var fromEnvironment = getEnvironmentVariable(EnvironmentVariable);
        return !string.IsNullOrWhiteSpace(fromEnvironment)
            ? Check(fromEnvironment.Trim(), EnvironmentVariable)
            : new Uri(DefaultBaseUri + "/");
    }

    /// <summary>Applies the same rules to a URI that did not come through <see cref="Resolve"/>.</summary>
    internal static Uri Check(Uri uri, string source) => Check(uri.OriginalString, source);

    private static Uri Check(string value, string source)
    {
        if (!LoopbackHost.TryParseAbsolute(value, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw Fail($"The HiAPI base URI from {source} ('{value}') is not an absolute http(s) URL.");
        }

        if (!string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            // Never echo a URI that may hold credentials.
            throw Fail($"The HiAPI base URI from {source} must not contain user information, a query or a fragment.");
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !LoopbackHost.IsLoopback(uri))
        {
            throw Fail(
                $"The HiAPI base URI from {source} ('{value}') uses plain http to {uri.Host}: the API key would cross the network in clear. " +
                "Use https (http is allowed only for localhost, 127.0.0.0/8 or [::1]).");
        }

        // A trailing slash so that relative paths ("v1/tasks") append instead of replacing the last segment. The SDKs'
        // base URL ends in /v1: pasted here it would become /v1/v1/tasks, so a final /v1 segment means its parent.
        var path = uri.AbsolutePath.TrimEnd('/');
        if (path.EndsWith(ApiVersionSegment, StringComparison.OrdinalIgnoreCase))
        {
            path = path[..^ApiVersionSegment.Length];
        }

        return new Uri(uri.GetLeftPart(UriPartial.Authority) + path + "/");
    }

    /// <summary>The version segment every request path starts with (<c>v1/tasks</c>).</summary>
    private const string ApiVersionSegment = "/v1";

    private static HiApiException Fail(string message) => new(HiApiErrorKind.Configuration, message);
}
