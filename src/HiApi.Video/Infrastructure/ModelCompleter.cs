using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using HiApi.Client;

namespace HiApi.Video.Infrastructure;

/// <summary>Tab completion for Get-HiApiPrice -Model: the models this module submits to (any other name or a wildcard is allowed too).</summary>
public sealed class ModelCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var typed = (wordToComplete ?? string.Empty).Trim('\'', '"');
        foreach (var model in HiApiModels.All)
        {
            if (model.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
            {
                yield return new CompletionResult($"'{model}'", model, CompletionResultType.ParameterValue, model);
            }
        }
    }
}
