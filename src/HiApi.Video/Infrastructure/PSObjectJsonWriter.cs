using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Text.Json;

namespace HiApi.Video.Infrastructure;

/// <summary>
/// Writes an object a web framework already parsed (a hashtable, a PSCustomObject from ConvertFrom-Json, nested
/// lists) back to JSON, so a callback body can be read by the client's one parser whatever shape it arrives in.
/// </summary>
internal static class PSObjectJsonWriter
{
    private const int MaxDepth = 32;

    public static byte[] ToUtf8Json(object value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, value, 0);
        }

        return buffer.ToArray();
    }

    private static void Write(Utf8JsonWriter writer, object? value, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new ArgumentException("The callback body is nested too deeply to be a HiAPI task.");
        }

        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case PSObject { BaseObject: PSCustomObject } custom:
                writer.WriteStartObject();
                foreach (var property in custom.Properties)
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value, depth + 1);
                }

                writer.WriteEndObject();
                break;
            case PSObject wrapped:
                Write(writer, wrapped.BaseObject, depth);
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case int or long or short or byte or sbyte or uint or ushort:
                writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case ulong unsigned:
                writer.WriteNumberValue(unsigned);
                break;
            case decimal number:
                writer.WriteNumberValue(number);
                break;
            case double or float:
                writer.WriteNumberValue(Convert.ToDouble(value, CultureInfo.InvariantCulture));
                break;
            case DateTime or DateTimeOffset:
                writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
            case IDictionary dictionary:
                writer.WriteStartObject();
                foreach (DictionaryEntry entry in dictionary)
                {
                    writer.WritePropertyName(Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty);
                    Write(writer, entry.Value, depth + 1);
                }

                writer.WriteEndObject();
                break;
            case IEnumerable items:
                writer.WriteStartArray();
                foreach (var item in items)
                {
                    Write(writer, item, depth + 1);
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }
}
