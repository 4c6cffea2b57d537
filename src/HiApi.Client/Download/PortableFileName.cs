using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace HiApi.Client;

/// <summary>
/// The one rule that turns any text (a task id from the server, later a file-name template's result) into a file name
/// that Windows, macOS, Linux, SMB shares and exFAT all accept, and that is the same on every one of them: the same
/// text gives the same name everywhere, so a re-run on another machine finds the file. The rule is fixed, never
/// asked of the running OS (<see cref="Path.GetInvalidFileNameChars"/> is only NUL and '/' on Linux).
/// </summary>
public static class PortableFileName
{
    /// <summary>The longest file name Linux, macOS and Windows file systems all take, in UTF-8 bytes.</summary>
    public const int MaxUtf8Bytes = 255;

    /// <summary>How much of a name too long survives its shortening (plus '-' and 8 hex digits).</summary>
    private const int ShortenedKeepBytes = 180;

    /// <summary>What Windows refuses in a name (besides control characters); SMB and exFAT refuse them too.</summary>
    private const string WindowsReserved = "<>:\"/\\|?*";

    /// <summary>
    /// Names Windows opens as devices, whatever their case and extension (<c>nul.mp4</c> is NUL). The superscript
    /// digits are ISO-8859-1's, which Windows also takes for COM and LPT ports.
    /// </summary>
    private static readonly HashSet<string> DeviceNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
        "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "COM\u00b9", "COM\u00b2", "COM\u00b3",
        "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9", "LPT\u00b9", "LPT\u00b2", "LPT\u00b3",
    };

    /// <summary>
    /// <paramref name="text"/> as a portable file name, <paramref name="extension"/> (such as <c>.mp4</c>, taken as
    /// given) appended: surrounding white space removed; the Windows set <c>&lt;&gt;:"/\|?*</c>, control and invisible
    /// formatting characters (a terminal escape, a right-to-left override) and lone surrogates each replaced by '_';
    /// trailing dots and spaces removed (Windows drops them); a device name (<c>CON</c>, <c>nul</c>, <c>Com1</c>,
    /// <c>LPT\u00b2</c>, <c>CONIN$</c>..., with or without an extension) prefixed with '_'; nothing left: '_'. A name
    /// longer than <see cref="MaxUtf8Bytes"/> with its extension keeps its first 180 bytes, then '-' and 8 hex digits
    /// of the SHA-256 of <paramref name="text"/>, so two long texts stay two names.
    /// </summary>
    public static string From(string text, string extension = "")
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(extension);
        var name = new StringBuilder(text.Length);
        foreach (var rune in text.Trim().EnumerateRunes())
        {
            name.Append(IsPortable(rune) ? rune.ToString() : "_");
        }

        var portable = name.ToString().TrimEnd('.', ' ');
        if (portable.Length == 0)
        {
            portable = "_";
        }
        else if (IsDeviceName(portable))
        {
            portable = "_" + portable;
        }

        return Encoding.UTF8.GetByteCount(portable) + Encoding.UTF8.GetByteCount(extension) > MaxUtf8Bytes
            ? Shorten(portable, text) + extension
            : portable + extension;
    }

    /// <summary>
    /// The first 180 bytes' worth of <paramref name="name"/> (whole characters), '-', and 8 hex digits of the SHA-256
    /// of <paramref name="identity"/>: short enough for any file system, and different for different identities.
    /// </summary>
    internal static string Shorten(string name, string identity)
    {
        var kept = new StringBuilder();
        var bytes = 0;
        foreach (var rune in name.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > ShortenedKeepBytes)
            {
                break;
            }

            kept.Append(rune.ToString());
            bytes += rune.Utf8SequenceLength;
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(identity));
        return $"{kept}-{Convert.ToHexString(hash, 0, 4).ToLowerInvariant()}";
    }

    private static bool IsPortable(Rune rune) =>
        // A lone surrogate comes out of EnumerateRunes as U+FFFD: replaced too.
        rune != Rune.ReplacementChar
        && Rune.GetUnicodeCategory(rune) is not (UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
        && !(rune.IsAscii && WindowsReserved.Contains((char)rune.Value));

    /// <summary>Windows matches a device name on what comes before the first dot, trailing spaces ignored.</summary>
    private static bool IsDeviceName(string name)
    {
        var dot = name.IndexOf('.');
        return DeviceNames.Contains((dot < 0 ? name : name[..dot]).TrimEnd(' '));
    }
}
