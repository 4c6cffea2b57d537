using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace HiApi.Mock.Api;

/// <summary>
/// Every body the API answers with, written as the emulator writes them: compact, keys in the seeds' order, and the
/// relaxed encoder so <c>'</c> stays literal and <c>"</c> becomes <c>\"</c> (the seed-000 fixture, byte for byte).
/// </summary>
internal static class ApiJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    /// <summary>The seed's 401 body, verbatim: the real API uses it for any authentication failure.</summary>
    public static readonly byte[] PermissionDenied = Encoding.UTF8.GetBytes(
        """{"error":{"code":"permission_denied","message":"This API key cannot use the selected model...","type":"hiapi_error"}}""");

    /// <summary>
    /// 403 in the same shape as the 401 (the contract gives 403 no body of its own): a key or account that may not do
    /// this, or that is out of quota.
    /// </summary>
    public static readonly byte[] Forbidden = Encoding.UTF8.GetBytes(
        """{"error":{"code":"forbidden","message":"This API key or account is not allowed to do this, or is out of quota.","type":"hiapi_error"}}""");

    public static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary><c>{"code":..,"data":null,"error_code":..,"message":..}</c>, keys in the seed-000 fixture's order.</summary>
    public static byte[] Error(int code, string errorCode, string message) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("code", code);
        w.WriteNull("data");
        w.WriteString("error_code", errorCode);
        w.WriteString("message", message);
        w.WriteEndObject();
    });

    /// <summary><c>{"code":200,"data":...,"message":"success"}</c>.</summary>
    public static byte[] Success(Action<Utf8JsonWriter> writeData) => Write(w => WriteSuccess(w, writeData));

    public static void WriteSuccess(Utf8JsonWriter w, Action<Utf8JsonWriter> writeData)
    {
        w.WriteStartObject();
        w.WriteNumber("code", 200);
        w.WritePropertyName("data");
        writeData(w);
        w.WriteString("message", "success");
        w.WriteEndObject();
    }

    /// <summary>A create's answer; its replay sends exactly the same bytes.</summary>
    public static byte[] Created(string taskId) => Success(w =>
    {
        w.WriteStartObject();
        w.WriteString("taskId", taskId);
        w.WriteEndObject();
    });
}
