using System.Net;

namespace HiApi.Client;

/// <summary>
/// The one definition of "this traffic never leaves the machine" (localhost, 127.0.0.0/8, [::1]):
/// the only place where plain http is acceptable for a request that carries the key or a callback.
/// </summary>
internal static class LoopbackHost
{
    public static bool IsLoopback(Uri uri)
    {
        var host = uri.IdnHost;
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        // IdnHost keeps IPv6 brackets off; Host keeps them on, so try both forms.
        var candidate = host.Trim('[', ']');
        return IPAddress.TryParse(candidate, out var address) && IPAddress.IsLoopback(address);
    }

    /// <summary>An absolute URL with a host, parsed the way both the client and the cmdlets read it.</summary>
    public static bool TryParseAbsolute(string? value, out Uri uri)
    {
        uri = null!;
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        // On Unix, "/path" parses as an absolute file: URI, so the scheme check below is essential.
        if (!Uri.TryCreate(value, UriKind.Absolute, out var parsed) || string.IsNullOrEmpty(parsed.Host))
        {
            return false;
        }

        uri = parsed;
        return true;
    }
}
