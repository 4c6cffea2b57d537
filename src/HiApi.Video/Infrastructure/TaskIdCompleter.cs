using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using HiApi.Client;

namespace HiApi.Video.Infrastructure;

/// <summary>
/// Tab completion for task ids: the ledger's tasks, newest first, with the prompt (or image) and status as the
/// tooltip, instead of file names. Reads the ledger the command would use (-LedgerPath if typed, else the
/// environment or the default); never touches the network.
/// </summary>
public sealed class TaskIdCompleter : IArgumentCompleter
{
    private const int MaxResults = 50;

    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var typed = (wordToComplete ?? string.Empty).Trim('\'', '"');
        IReadOnlyList<LedgerEntry> entries;
        try
        {
            var explicitPath = fakeBoundParameters?["LedgerPath"] as string ?? Mock.MockSession.Current?.LedgerPath;
            var ledger = TaskLedger.Open(explicitPath, disabled: false);
            entries = ledger?.Load() ?? Array.Empty<LedgerEntry>();
        }
        catch (Exception unreadable) when (unreadable is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return Array.Empty<CompletionResult>();
        }

        // Tasks forgotten with Remove-HiApiTask are not offered, as they are not listed.
        return entries
            .Where(entry => !entry.IsForgotten && entry.TaskId.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(entry => entry.SubmittedAt ?? entry.UpdatedAt)
            .Take(MaxResults)
            .Select(entry => new CompletionResult(entry.TaskId, entry.TaskId, CompletionResultType.ParameterValue, Tooltip(entry)))
            .ToArray();
    }

    private static string Tooltip(LedgerEntry entry)
    {
        var what = entry.Prompt is { Length: > 0 } prompt ? prompt : entry.Request?.ImageUrl ?? entry.Model ?? "(no prompt)";
        var status = entry.IsSaved ? "saved" : entry.Status ?? "submitted";
        return $"{status}: {what}";
    }
}
