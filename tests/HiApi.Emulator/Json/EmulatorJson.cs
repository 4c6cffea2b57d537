using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace HiApi.Emulator.Json;

/// <summary>
/// The one place that decides how the emulator writes JSON: compact, keys in the order written, and the relaxed
/// encoder so that <c>'</c> stays literal and <c>"</c> becomes <c>\"</c>, exactly as the seeds' bodies read
/// (the default encoder would turn <c>'</c> into <c>\u0027</c> and break the byte-for-byte fixture).
/// </summary>
internal static class EmulatorJson
{
    public static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = Encoder, Indented = false };

    /// <summary>For the control endpoints: camelCase, enums as text, and the same relaxed escaping.</summary>
    public static readonly JsonSerializerOptions ControlOptions = new(JsonSerializerDefaults.Web)
    {
        Encoder = Encoder,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }
        return buffer.WrittenSpan.ToArray();
    }
}
