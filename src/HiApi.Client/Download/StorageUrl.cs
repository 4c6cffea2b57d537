using System.Net;

namespace HiApi.Client;

/// <summary>
/// The one rule every URL a download requests must pass, the task's video URL and each redirect alike: absolute,
/// http or https, with a host. Anything else (ftp, file, javascript...) is never requested.
/// </summary>
internal static class StorageUrl
{
    public const int MaxRedirects = 5;

    public static bool IsHttp(Uri url) =>
        url.IsAbsoluteUri && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp) && !string.IsNullOrEmpty(url.Host);

    public static bool IsRedirect(HttpStatusCode status) => (int)status is 301 or 302 or 303 or 307 or 308;

    /// <summary>
    /// Where a redirect from <paramref name="current"/> points (a relative Location is resolved against it), or
    /// null with <paramref name="problem"/> saying why it must not be followed.
    /// </summary>
    public static Uri? RedirectTarget(Uri current, HttpResponseMessage response, out string problem)
    {
        problem = string.Empty;
        // Read raw: a Location the header parser rejects must be reported, not silently dropped.
        if (!response.Headers.NonValidated.TryGetValues("Location", out var values) || values.Count == 0
            || values.First() is not { Length: > 0 } location)
        {
            problem = $"storage answered {(int)response.StatusCode} without a Location to go to";
            return null;
        }

        if (!Uri.TryCreate(current, location.Trim(), out var target))
        {
            problem = "storage redirected to a Location that is not a URL";
            return null;
        }

        if (!IsHttp(target))
        {
            problem = target.IsAbsoluteUri && target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps
                ? $"storage redirected to a non-http(s) URL ({target.Scheme})"
                : "storage redirected to a URL without a host";
            return null;
        }

        return target;
    }
}
