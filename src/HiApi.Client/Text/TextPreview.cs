using System.Text;

namespace HiApi.Client;

/// <summary>
/// The one way this library shortens text for a person to read (a prompt in a -WhatIf line, an error, a verbose line):
/// whole characters only, so a cut never leaves half an emoji (a lone surrogate) behind, and an ASCII "..." that
/// survives any console or log encoding.
/// </summary>
public static class TextPreview
{
    public const string Ellipsis = "...";

    /// <summary><paramref name="text"/> when it has at most <paramref name="maxChars"/> UTF-16 units, else its start and "...".</summary>
    public static string Shorten(string? text, int maxChars)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChars, Ellipsis.Length + 1);
        if (text is null || text.Length <= maxChars)
        {
            return text ?? string.Empty;
        }

        var keep = maxChars - Ellipsis.Length;
        var builder = new StringBuilder(maxChars);
        foreach (var rune in text.EnumerateRunes())
        {
            if (builder.Length + rune.Utf16SequenceLength > keep)
            {
                break;
            }

            builder.Append(rune.ToString());
        }

        return builder.Append(Ellipsis).ToString();
    }
}
