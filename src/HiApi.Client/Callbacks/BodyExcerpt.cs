using System.Text;

namespace HiApi.Client;

/// <summary>A short, printable quote of a request body for messages and logs: never the whole (possibly huge) body.</summary>
internal static class BodyExcerpt
{
    public const int MaxChars = 200;

    /// <summary>The quote, with every one of <paramref name="secrets"/> removed before the text is cut.</summary>
    public static string Quote(ReadOnlySpan<byte> body, SecretRedactor? secrets = null)
    {
        if (body.IsEmpty)
        {
            return "(empty)";
        }

        // A little more than needed is decoded so a multi-byte character at the cut is not mangled.
        var slice = body.Length > MaxChars * 4 ? body[..(MaxChars * 4)] : body;
        var text = secrets?.Redact(Encoding.UTF8.GetString(slice)) ?? Encoding.UTF8.GetString(slice);
        var truncated = text.Length > MaxChars || slice.Length < body.Length;
        return truncated
            ? $"'{Printable(text, MaxChars)}...' ({body.Length} bytes)"
            : $"'{Printable(text, MaxChars)}'";
    }

    /// <summary>At most <paramref name="maxChars"/> printable characters, with '...' when cut.</summary>
    public static string Clean(string text, int maxChars) =>
        text.Length <= maxChars ? Printable(text, maxChars) : Printable(text, maxChars) + "...";

    private static string Printable(string text, int maxChars)
    {
        var builder = new StringBuilder(Math.Min(text.Length, maxChars));
        foreach (var character in text)
        {
            if (builder.Length >= maxChars)
            {
                break;
            }

            // Control characters would break a log line or drive a terminal.
            builder.Append(char.IsControl(character) ? ' ' : character);
        }

        return builder.ToString();
    }
}
