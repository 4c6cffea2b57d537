namespace HiApi.Client;

/// <summary>
/// Text that cannot be sent as the text it was given. A lone UTF-16 surrogate (what <c>Substring</c> leaves when it cuts
/// an emoji in half) cannot be encoded as UTF-8: it would go out as U+FFFD, so the request stored and compared would not be
/// the one sent. And U+FFFD itself is what a decoder writes for bytes it could not read: a CSV saved in a legacy code page
/// and read as UTF-8 (Excel's "CSV (Comma delimited)") turns every accented letter into it, and the garbled prompt would
/// be paid for. Both are refused before anything is sent.
/// </summary>
public static class UnsendableText
{
    /// <summary>The problem with <paramref name="text"/> in the API's field-error style, or null when it can be sent as is.</summary>
    public static string? Describe(string? text)
    {
        if (text is null)
        {
            return null;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            if (char.IsSurrogate(c))
            {
                return $"holds an unpaired UTF-16 surrogate (U+{(int)c:X4}) at position {i + 1}: text cut in the middle of a character " +
                    "(for example by Substring) cannot be sent as the same UTF-8";
            }

            if (c == '\uFFFD')
            {
                return $"holds U+FFFD (a character that could not be decoded) at position {i + 1}: the file was probably not read as " +
                    "UTF-8. Read it with Import-Csv -Encoding ansi (or the file's code page), or save it as \"CSV UTF-8\"";
            }
        }

        return null;
    }
}
