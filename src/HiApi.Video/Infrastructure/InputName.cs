using System.Management.Automation;
using HiApi.Client;

namespace HiApi.Video.Infrastructure;

/// <summary>
/// The one way an error names the input it is about: "Input 3 ('a harbour at dawn, gulls ...')", its place in the
/// pipeline and the start of its prompt, ahead of the error's own words; every per-input error of a cmdlet says it the
/// same way, whether the input was refused here or by HiAPI.
/// </summary>
internal static class InputName
{
    /// <summary>How much of a prompt names its input: enough to recognise it, short enough to keep the line readable.</summary>
    private const int PromptPreviewChars = 32;

    /// <summary>"Input 3 ('a harbour...')", or "Input 3" without a prompt.</summary>
    public static string Of(int number, string? prompt) =>
        string.IsNullOrEmpty(prompt) ? $"Input {number}" : $"Input {number} ('{Shorten(prompt)}')";

    /// <summary>A prompt (or any text of the input) as an error quotes it: a line of it at most, whole characters only.</summary>
    public static string Shorten(string text) => TextPreview.Shorten(text.ReplaceLineEndings(" "), PromptPreviewChars);

    /// <summary>
    /// <paramref name="record"/> with <paramref name="name"/> ahead of its message (null: as it is), keeping its
    /// recommended action. A message that already starts with the name is left as it is.
    /// </summary>
    public static ErrorRecord Prefix(ErrorRecord record, string? name)
    {
        var message = record.ErrorDetails?.Message ?? record.Exception.Message;
        if (name is null || message.StartsWith(name, StringComparison.Ordinal))
        {
            return record;
        }

        record.ErrorDetails = new ErrorDetails($"{name}: {message}")
        {
            RecommendedAction = record.ErrorDetails?.RecommendedAction,
        };
        return record;
    }
}
