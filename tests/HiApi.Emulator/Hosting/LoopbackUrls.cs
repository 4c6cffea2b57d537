using System.Net;

namespace HiApi.Emulator.Hosting;

/// <summary>
/// The emulator must never listen beyond this machine (it hands out keys' balances and fault switches), so every
/// URL it is asked to bind must name a loopback address: 127.x.x.x, [::1] or localhost.
/// </summary>
internal static class LoopbackUrls
{
    public static bool AreLoopback(string urls, out string problem)
    {
        var list = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (list.Length == 0)
        {
            problem = "no URL to bind was given";
            return false;
        }

        foreach (var url in list)
        {
            if (!IsLoopback(url))
            {
                problem = $"refusing to bind '{url}': the emulator binds loopback addresses only (127.0.0.1, [::1] or localhost)";
                return false;
            }
        }
        problem = "";
        return true;
    }

    public static void ThrowIfNotLoopback(string urls)
    {
        if (!AreLoopback(urls, out var problem))
        {
            throw new ArgumentException(problem, nameof(urls));
        }
    }

    /// <summary>
    /// Kestrel cannot pick a free port for "localhost" (it binds two addresses), so <c>localhost:0</c> becomes
    /// <c>127.0.0.1:0</c>; everything else is kept as given.
    /// </summary>
    public static string Normalize(string urls) => string.Join(';',
        urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(url =>
            Uri.TryCreate(url, UriKind.Absolute, out var uri)
            && string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase)
            && uri.Port == 0
                ? $"{uri.Scheme}://127.0.0.1:0"
                : url));

    private static bool IsLoopback(string url)
    {
        // Wildcards like http://+:80 and http://*:80 are not valid URIs, so they fail here too.
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
        {
            return false;
        }
        if (string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        return IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
    }
}
