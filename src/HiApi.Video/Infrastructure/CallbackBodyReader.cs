using System.Collections;
using System.Management.Automation;
using System.Net;
using System.Text;

namespace HiApi.Video.Infrastructure;

/// <summary>
/// Gets the raw JSON of a webhook body out of whatever the user's web framework hands over: text, bytes, a
/// stream, an HttpListener request or context, an object with a Body/RawBody/Content property (Pode, Polaris,
/// ASP.NET-style wrappers), or the already-parsed hashtable / PSCustomObject.
/// </summary>
internal static class CallbackBodyReader
{
    private static readonly string[] BodyPropertyNames = ["RawBody", "Body", "Content", "Data"];

    /// <summary>
    /// The body's bytes. <paramref name="isRaw"/> is false when they had to be written from a parsed object: such bytes
    /// are not the ones HiAPI sent, so no signature can be checked over them.
    /// </summary>
    public static byte[] ReadUtf8(object? body, long maxBytes, out bool isRaw)
    {
        isRaw = true;
        switch (body)
        {
            case null:
                throw new ArgumentException("The callback body is empty.");
            case PSObject { BaseObject: PSCustomObject } custom when FindBodyProperty(custom) is { } inner:
                return ReadUtf8(inner, maxBytes, out isRaw);
            case PSObject { BaseObject: PSCustomObject } parsed:
                isRaw = false;
                return Limit(PSObjectJsonWriter.ToUtf8Json(parsed), maxBytes);
            case PSObject wrapped:
                return ReadUtf8(wrapped.BaseObject, maxBytes, out isRaw);
            case string text:
                return Limit(Encoding.UTF8.GetBytes(text), maxBytes);
            case byte[] bytes:
                return Limit(bytes, maxBytes);
            case Stream stream:
                return ReadStream(stream, maxBytes);
            case HttpListenerContext context:
                return ReadStream(context.Request.InputStream, maxBytes);
            case HttpListenerRequest request:
                return ReadStream(request.InputStream, maxBytes);
            case IDictionary dictionary:
                isRaw = false;
                return Limit(PSObjectJsonWriter.ToUtf8Json(dictionary), maxBytes);
            default:
                var property = FindBodyProperty(PSObject.AsPSObject(body));
                if (property is not null)
                {
                    return ReadUtf8(property, maxBytes, out isRaw);
                }

                throw new ArgumentException($"A callback body of type {body.GetType().FullName} cannot be read: pass its JSON text, bytes, a stream, or the parsed object.");
        }
    }

    private static object? FindBodyProperty(PSObject value)
    {
        foreach (var name in BodyPropertyNames)
        {
            if (value.Properties[name]?.Value is { } found)
            {
                return found;
            }
        }

        return null;
    }

    private static byte[] ReadStream(Stream stream, long maxBytes)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw TooLarge(maxBytes);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static byte[] Limit(byte[] bytes, long maxBytes)
        => bytes.LongLength > maxBytes ? throw TooLarge(maxBytes) : bytes;

    private static ArgumentException TooLarge(long maxBytes)
        => new($"The callback body is larger than {maxBytes} bytes; a HiAPI task is far smaller. Raise -MaxBodyBytes if this is expected.");
}
