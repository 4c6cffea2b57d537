using System.Text;
using HiApi.Client;

namespace HiApi.Mock.Hosting;

/// <summary>One request as the stand-in's routes see it: the parsed head and the whole body.</summary>
internal sealed class MockHttpRequest(HttpRequestHead head, byte[] body)
{
    public string Method => head.Method;

    /// <summary>The decoded path, without the query.</summary>
    public string Path => head.Path;

    /// <summary>The raw query, without '?', or null.</summary>
    public string? Query => head.Query;

    public byte[] Body { get; } = body;

    public bool IsHead => string.Equals(Method, "HEAD", StringComparison.OrdinalIgnoreCase);

    /// <summary>A header's value, or null. Repeated headers come joined with ", ".</summary>
    public string? Header(string name) => head[name];

    /// <summary>
    /// A header's value read as UTF-8 (the head is parsed as Latin-1, one char per byte), so a non-ASCII value counts
    /// in bytes as the client sent it.
    /// </summary>
    public string? Utf8Header(string name) =>
        head[name] is { } latin1 ? Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(latin1)) : null;
}
