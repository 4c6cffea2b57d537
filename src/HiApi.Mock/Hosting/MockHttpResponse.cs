using System.Globalization;
using System.Text;

namespace HiApi.Mock.Hosting;

/// <summary>One whole answer: status, content type, extra headers and body. The connection closes after it.</summary>
internal sealed class MockHttpResponse(int status, string contentType, byte[] body)
{
    private readonly List<(string Name, string Value)> _headers = [];

    public int Status { get; } = status;

    public string ContentType { get; } = contentType;

    public byte[] Body { get; } = body;

    /// <summary>Set by a route when the request made or replayed a task, for the request log.</summary>
    public string? TaskId { get; init; }

    public bool Replay { get; init; }

    public MockHttpResponse WithHeader(string name, string value)
    {
        _headers.Add((name, value));
        return this;
    }

    public static MockHttpResponse Json(int status, byte[] body) => new(status, "application/json", body);

    public static MockHttpResponse PlainText(int status, string text) => new(status, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(text));

    /// <summary>Status line and headers; the body follows unless the request was HEAD.</summary>
    public byte[] Head()
    {
        var head = new StringBuilder(192)
            .Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {Status} {ReasonPhrase(Status)}\r\n")
            .Append("Content-Type: ").Append(ContentType).Append("\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Length: {Body.Length}\r\n")
            .Append("Connection: close\r\n");
        foreach (var (name, value) in _headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        return Encoding.ASCII.GetBytes(head.Append("\r\n").ToString());
    }

    private static string ReasonPhrase(int status) => status switch
    {
        200 => "OK",
        206 => "Partial Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        411 => "Length Required",
        413 => "Content Too Large",
        416 => "Range Not Satisfiable",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        _ => "Status",
    };
}
