namespace HiApi.Video.Infrastructure;

/// <summary>
/// A prompt that is a file's path, not a description: <c>'/tmp/sb.csv' | New-HiApiVideoTask</c> (or
/// <c>New-HiApiVideoTask ./rows.csv</c>) meant "read this storyboard", and would otherwise become one paid video of the
/// words "/tmp/sb.csv". Refused before anything is sent when the text names an existing file (or, with a separator, an
/// existing folder), or is a lone path to a data file (.csv, .tsv, .json, .txt, .xlsx): no sentence around it.
/// </summary>
internal static class PathLikePrompt
{
    /// <summary>The switch that sends such a prompt anyway.</summary>
    public const string OverrideSwitch = "-AllowPathLikePrompt";

    private static readonly string[] DataExtensions = [".csv", ".tsv", ".json", ".txt", ".xlsx"];

    /// <summary>Longer text is a description, whatever it contains.</summary>
    private const int MaxPathLength = 260;

    /// <summary>
    /// Null when <paramref name="prompt"/> reads as a description; otherwise the error's text after the input's name.
    /// <paramref name="resolve"/> turns a path into a full file-system path against the PowerShell location (null when
    /// it cannot be one).
    /// </summary>
    public static string? Check(string? prompt, Func<string, string?> resolve)
    {
        if (prompt is null || Unquoted(prompt.Trim()) is not { Length: > 0 and <= MaxPathLength } text || text.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            return null;
        }

        var extension = Path.GetExtension(text.Replace('\\', '/'));
        var dataFile = DataExtensions.Contains(extension, StringComparer.OrdinalIgnoreCase);
        var lone = !text.Any(char.IsWhiteSpace) || LooksRooted(text);
        var full = resolve(text);
        var folder = full is not null && text.IndexOfAny(['/', '\\']) >= 0 && !File.Exists(full) && Directory.Exists(full);
        if (!folder && !(full is not null && File.Exists(full)) && !(dataFile && lone))
        {
            return null;
        }

        return $"the prompt '{InputName.Shorten(prompt.Trim())}' looks like a {(folder ? "folder" : "file")} path, not a description of a video; " +
            $"nothing was sent.{(folder ? string.Empty : " " + HowToRead(text, extension))} To send this text as a prompt anyway, add {OverrideSwitch}.";
    }

    /// <summary>How to read what the path names: the storyboard's rows, not its name.</summary>
    private static string HowToRead(string path, string extension)
    {
        var quoted = path.Any(char.IsWhiteSpace) || path.Contains('\'') ? $"'{path.Replace("'", "''")}'" : path;
        return extension.ToLowerInvariant() switch
        {
            ".csv" => $"To submit a storyboard's rows: Import-Csv {quoted} | New-HiApiVideoTask.",
            ".tsv" => $"To submit a storyboard's rows: Import-Csv {quoted} -Delimiter \"`t\" | New-HiApiVideoTask.",
            ".json" => $"To submit its rows: Get-Content {quoted} -Raw | ConvertFrom-Json | New-HiApiVideoTask.",
            ".xlsx" => "To submit a sheet's rows, save it as CSV, then: Import-Csv <file.csv> | New-HiApiVideoTask.",
            _ => $"To submit one prompt per line of a file: Get-Content {quoted} | New-HiApiVideoTask; for a storyboard: Import-Csv {quoted} | New-HiApiVideoTask.",
        };
    }

    /// <summary>A path pasted with its quotes ("Copy as path" on Windows): the quotes are not part of it.</summary>
    private static string Unquoted(string text) =>
        text.Length >= 2 && (text[0] is '"' or '\'') && text[^1] == text[0] ? text[1..^1].Trim() : text;

    /// <summary>/x, ~/x, ./x, ..\x, \\server\x, C:\x, C:/x: where a path starts, even one with spaces in it.</summary>
    private static bool LooksRooted(string text) =>
        text.StartsWith('/') || text.StartsWith('~') || text.StartsWith("./", StringComparison.Ordinal) || text.StartsWith(".\\", StringComparison.Ordinal)
        || text.StartsWith("../", StringComparison.Ordinal) || text.StartsWith("..\\", StringComparison.Ordinal) || text.StartsWith("\\\\", StringComparison.Ordinal)
        || (text.Length >= 3 && char.IsAsciiLetter(text[0]) && text[1] == ':' && text[2] is '\\' or '/');
}
