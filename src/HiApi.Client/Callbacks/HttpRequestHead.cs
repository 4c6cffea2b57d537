using System.Globalization;
using System.Text;

namespace HiApi.Client;

/// <summary>
/// The request line and headers of one HTTP/1.x request, parsed strictly: the listener only needs a POST with a body,
/// so anything unusual (folded headers, two different lengths, a length next to chunked) is refused, not guessed at.
/// </summary>
internal sealed class HttpRequestHead
{
    private readonly Dictionary<string, string> _headers;

    private HttpRequestHead(string method, string path, string? authority, bool isHttp11, Dictionary<string, string> headers)
    {
        Method = method;
        Path = path;
        Authority = authority;
        IsHttp11 = isHttp11;
        _headers = headers;
    }

    public string Method { get; }

    /// <summary>The decoded path, without the query.</summary>
    public string Path { get; }

    /// <summary>The raw query after the '?' (not decoded), or null when the target has none.</summary>
    public string? Query { get; private init; }

    /// <summary>The Host header, or the authority of an absolute request target (which takes precedence).</summary>
    public string? Authority { get; }

    public bool IsHttp11 { get; }

    /// <summary>-1 when the request declares no length.</summary>
    public long ContentLength { get; private init; } = -1;

    public bool IsChunked { get; private init; }

    public bool ExpectsContinue => string.Equals(this["Expect"], "100-continue", StringComparison.OrdinalIgnoreCase);

    /// <summary>A header's value (repeated headers joined with ", "), or null.</summary>
    public string? this[string name] => _headers.GetValueOrDefault(name);

    /// <summary>Parses the bytes up to (not including) the empty line that ends the head.</summary>
    /// <exception cref="HttpProtocolException">Status 400 (or 501 for an unknown transfer coding).</exception>
    public static HttpRequestHead Parse(ReadOnlySpan<byte> head)
    {
        // Latin-1 maps every byte to one char: nothing is lost, and nothing in a header can throw while decoding.
        var lines = Encoding.Latin1.GetString(head).Split('\n');
        var requestLine = lines[0].TrimEnd('\r').Split(' ');
        if (requestLine.Length != 3 || requestLine[0].Length == 0 || !requestLine[0].All(IsTokenChar))
        {
            throw Bad("the request line is malformed");
        }

        var version = requestLine[2];
        if (version is not ("HTTP/1.1" or "HTTP/1.0"))
        {
            throw Bad("only HTTP/1.0 and HTTP/1.1 are spoken here");
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var raw in lines.Skip(1))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            var colon = line.IndexOf(':');
            if (colon <= 0 || line[0] is ' ' or '\t' || !line[..colon].All(IsTokenChar))
            {
                throw Bad("a header line is malformed");
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim(' ', '\t');
            if (headers.TryGetValue(name, out var earlier))
            {
                if (name.Equals("Host", StringComparison.OrdinalIgnoreCase) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    throw Bad($"the {name} header is repeated");
                }

                value = earlier + ", " + value;
            }

            headers[name] = value;
        }

        var (path, absoluteAuthority) = ParseTarget(requestLine[1]);
        var authority = absoluteAuthority ?? headers.GetValueOrDefault("Host");
        if (version == "HTTP/1.1" && !headers.ContainsKey("Host"))
        {
            throw Bad("an HTTP/1.1 request needs a Host header");
        }

        long length = -1;
        if (headers.TryGetValue("Content-Length", out var lengthText)
            && (!long.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out length) || lengthText.Length > 18))
        {
            throw Bad("the Content-Length is not a number");
        }

        var chunked = false;
        if (headers.TryGetValue("Transfer-Encoding", out var coding))
        {
            if (!coding.Equals("chunked", StringComparison.OrdinalIgnoreCase))
            {
                throw new HttpProtocolException(501, "only the chunked transfer coding is supported");
            }

            if (length >= 0)
            {
                throw Bad("a request cannot have both a Content-Length and chunked encoding");
            }

            chunked = true;
        }

        return new HttpRequestHead(requestLine[0], path, authority, version == "HTTP/1.1", headers)
        {
            ContentLength = length,
            IsChunked = chunked,
            Query = QueryOf(requestLine[1]),
        };
    }

    /// <summary>Origin form (<c>/path?query</c>) or absolute form (<c>http://host/path</c>, as a proxy may send).</summary>
    private static (string Path, string? Authority) ParseTarget(string target)
    {
        string? authority = null;
        if (target.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            var afterScheme = target["http://".Length..];
            var slash = afterScheme.IndexOf('/');
            authority = slash < 0 ? afterScheme : afterScheme[..slash];
            target = slash < 0 ? "/" : afterScheme[slash..];
        }

        if (!target.StartsWith('/'))
        {
            // "*" (OPTIONS) or garbage: a path no prefix has.
            return (target, authority);
        }

        var query = target.IndexOfAny(['?', '#']);
        var path = query < 0 ? target : target[..query];
        try
        {
            return (Uri.UnescapeDataString(path), authority);
        }
        catch (UriFormatException)
        {
            throw Bad("the path is malformed");
        }
    }

    /// <summary>The text between '?' and '#' (or the end), as sent.</summary>
    private static string? QueryOf(string target)
    {
        var start = target.IndexOf('?');
        if (start < 0)
        {
            return null;
        }

        var end = target.IndexOf('#', start);
        return end < 0 ? target[(start + 1)..] : target[(start + 1)..end];
    }

    private static bool IsTokenChar(char c) =>
        c is > ' ' and < (char)127 and not ('(' or ')' or '<' or '>' or '@' or ',' or ';' or ':' or '\\' or '"' or '/' or '[' or ']' or '?' or '=' or '{' or '}');

    private static HttpProtocolException Bad(string why) => new(400, why);
}
