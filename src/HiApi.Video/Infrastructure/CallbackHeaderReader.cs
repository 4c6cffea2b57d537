using System.Collections;
using System.Collections.Specialized;
using System.Management.Automation;
using System.Net;

namespace HiApi.Video.Infrastructure;

/// <summary>
/// Finds a request header (the signature and its timestamp) where a web framework keeps it: an HttpListener request
/// or context given as the body, or a header dictionary (a hashtable, a framework's header collection, whose values
/// may be strings or lists of strings). Names are matched case-insensitively, as HTTP does, whatever the dictionary's
/// own comparer.
/// </summary>
internal static class CallbackHeaderReader
{
    public static string? Find(string name, IDictionary? headers, object? body)
    {
        if (headers is not null)
        {
            foreach (DictionaryEntry entry in headers)
            {
                if (string.Equals(Unwrap(entry.Key)?.ToString(), name, StringComparison.OrdinalIgnoreCase))
                {
                    return FirstValue(entry.Value);
                }
            }
        }

        return Unwrap(body) switch
        {
            HttpListenerRequest request => request.Headers[name],
            HttpListenerContext context => context.Request.Headers[name],
            _ => null,
        };
    }

    /// <summary>A string, the first string of a list (StringValues, string[]), or the value's text.</summary>
    private static string? FirstValue(object? value) => Unwrap(value) switch
    {
        null => null,
        string text => text,
        NameValueCollection => null,
        IEnumerable list => list.Cast<object?>().Select(item => Unwrap(item)?.ToString()).FirstOrDefault(text => text is not null),
        var other => other.ToString(),
    };

    private static object? Unwrap(object? value) => value is PSObject wrapped ? wrapped.BaseObject : value;
}
