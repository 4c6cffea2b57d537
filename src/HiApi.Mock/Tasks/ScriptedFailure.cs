using System.Text.RegularExpressions;

namespace HiApi.Mock.Tasks;

/// <summary>
/// Prompt markers that script a failure: <c>[[fail]]</c> fails with <c>generation_failed</c>,
/// <c>[[fail:SOME_CODE]]</c> with that code. The SDK's retryable codes get messages that say what went wrong.
/// </summary>
internal static partial class ScriptedFailure
{
    public const string DefaultCode = "generation_failed";
    public const string Message = "the model could not generate a video for this prompt";

    private static readonly Dictionary<string, string> KnownMessages = new(StringComparer.Ordinal)
    {
        ["TASK_TIMEOUT"] = "the task did not finish in time",
        ["STORAGE_UNAVAILABLE"] = "the output could not be stored",
    };

    [GeneratedRegex(@"\[\[fail(?::(?<code>[A-Za-z0-9_.\-]+))?\]\]", RegexOptions.CultureInvariant)]
    private static partial Regex Marker();

    public static TaskFailure? FromPrompt(string? prompt)
    {
        if (prompt is null)
        {
            return null;
        }
        var match = Marker().Match(prompt);
        if (!match.Success)
        {
            return null;
        }
        var code = match.Groups["code"].Success ? match.Groups["code"].Value : DefaultCode;
        return new TaskFailure(code, KnownMessages.GetValueOrDefault(code, Message));
    }
}
