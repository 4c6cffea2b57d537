using System.Net.Http.Headers;

namespace HiApi.Client;

/// <summary>
/// Whether a storage answer's Content-Type rules out a video: a login page, an error document or an API answer
/// served with 200. Only textual types are refused (text/*, */html, JSON, XML, JavaScript, forms); anything else,
/// or none, is accepted here (video/*, application/octet-stream, binary/octet-stream, application/mp4...), because
/// storage hosts label files loosely and the MP4 structure check decides the rest.
/// </summary>
internal static class StorageContentType
{
    private static readonly string[] TextualSubtypes = ["html", "xhtml", "json", "xml", "javascript", "ecmascript", "x-www-form-urlencoded"];

    public static bool IsRefused(MediaTypeHeaderValue? contentType)
    {
        var media = contentType?.MediaType;
        if (string.IsNullOrEmpty(media))
        {
            return false;
        }

        var slash = media.IndexOf('/');
        var type = slash < 0 ? media : media[..slash];
        var subtype = slash < 0 ? string.Empty : media[(slash + 1)..];
        return type.Equals("text", StringComparison.OrdinalIgnoreCase)
            || type.Equals("multipart", StringComparison.OrdinalIgnoreCase)
            || subtype.EndsWith("+json", StringComparison.OrdinalIgnoreCase)
            || subtype.EndsWith("+xml", StringComparison.OrdinalIgnoreCase)
            || TextualSubtypes.Contains(subtype, StringComparer.OrdinalIgnoreCase);
    }
}
