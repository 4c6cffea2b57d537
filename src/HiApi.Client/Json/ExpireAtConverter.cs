using System.Text.Json;
using System.Text.Json.Serialization;

namespace HiApi.Client;

/// <summary>
/// Reads <c>expireAt</c> straight from the reader, with the same tolerance as <see cref="TaskJson.ParseExpireAt"/>
/// (seconds or milliseconds, fractions, numbers in strings, dates): a <see cref="JsonElement"/> would cost a
/// <see cref="JsonDocument"/> per output on every poll. Anything unreadable is null, never an error.
/// </summary>
internal sealed class ExpireAtConverter : JsonConverter<DateTimeOffset?>
{
    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                return reader.TryGetDouble(out var number) ? TaskJson.ExpireAtFromNumber(number) : null;
            case JsonTokenType.String:
                return TaskJson.ExpireAtFromText(reader.GetString());
            default:
                // An object or array: skip the whole value so the rest of the task still reads.
                reader.Skip();
                return null;
        }
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
    {
        if (value is { } date)
        {
            writer.WriteNumberValue(date.ToUnixTimeSeconds());
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
