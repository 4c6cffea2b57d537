using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Language;
using HiApi.Client;

namespace HiApi.Video.Infrastructure;

/// <summary>Tab completion for -Duration: the seconds the API accepts (3..15), each with what it costs in seconds paid.</summary>
public sealed class DurationCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        for (var seconds = HiApiSchema.MinDuration; seconds <= HiApiSchema.MaxDuration; seconds++)
        {
            var text = seconds.ToString(CultureInfo.InvariantCulture);
            if (text.StartsWith(wordToComplete ?? string.Empty, StringComparison.Ordinal))
            {
                yield return new CompletionResult(text, text, CompletionResultType.ParameterValue, $"{text} s of video: you pay per generated second");
            }
        }
    }
}
