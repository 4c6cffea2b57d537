using System.Collections;
using System.Management.Automation;
using HiApi.Client;

namespace HiApi.Video.Infrastructure;

/// <summary>
/// What every cmdlet that takes a task accepts, positionally or from the pipeline, the same way: a task object, a task
/// id string, or any object with a <c>TaskId</c> (or <c>Id</c>) property (a CSV row, a file Save-HiApiVideo wrote).
/// Never the object's string form: "tk-... Success" is not an id.
/// </summary>
internal static class TaskInput
{
    private static readonly string[] IdPropertyNames = ["TaskId", "Id", "task_id"];

    /// <summary>
    /// The task, or a task known only by id; null with <paramref name="problem"/> when the input is neither. The problem
    /// names the input (<see cref="InputName"/>) by <paramref name="inputNumber"/>, its place among the command's inputs.
    /// </summary>
    public static HiApiTask? Resolve(object? input, int inputNumber, out string? problem)
    {
        var task = Resolve(input, out problem);
        if (problem is not null)
        {
            // "Input 2: a value of type ...": an ordinary first word goes lower case after the name; "HiAPI" or an id stays.
            var sentence = problem.Length > 1 && (char.IsLower(problem[1]) || problem[1] == ' ') ? char.ToLowerInvariant(problem[0]) + problem[1..] : problem;
            problem = $"{InputName.Of(inputNumber, null)}: {sentence}";
        }

        return task;
    }

    private static HiApiTask? Resolve(object? input, out string? problem)
    {
        problem = null;
        var value = input is PSObject wrapped ? wrapped.BaseObject : input;
        switch (value)
        {
            case HiApiTask task:
                return task;
            case string text:
                return FromId(text, out problem);
            case null:
                problem = "A task or task id is required; got nothing. Nothing was sent for it.";
                return null;
        }

        if (FindIdProperty(input!, out var name) is { } id)
        {
            if (string.IsNullOrWhiteSpace(id))
            {
                // [pscustomobject]@{ TaskId = $null }: a column left blank, a property never filled in.
                problem = $"its {name} is empty, so it names no task. Nothing was sent for it.";
                return null;
            }

            return FromId(id, out problem);
        }

        problem = $"A value of type {value.GetType().Name} ('{TextPreview.Shorten(LanguagePrimitives.ConvertTo<string>(value) ?? string.Empty, 40)}') is not a task: " +
            "pass a task from New-, Get- or Wait-HiApiTask, a task id string, or an object with a TaskId property.";
        return null;
    }

    private static HiApiTask? FromId(string id, out string? problem)
    {
        problem = TaskIds.Check(id) ?? (LooksLikePath(id) ? $"'{TextPreview.Shorten(id.Trim(), 60)}' looks like a path, not a task id: pipe tasks in, or name them with -Task." : null);
        return problem is null ? HiApiTask.FromId(id) : null;
    }

    /// <summary>
    /// Text a person types for a folder or file (./clips, clips/, ~/videos, C:\clips), never a HiAPI task id: sent as one,
    /// it would only come back as a 404 for a task named like a folder.
    /// </summary>
    internal static bool LooksLikePath(string text)
    {
        var trimmed = text.Trim();
        return trimmed.IndexOfAny(['/', '\\']) >= 0
            || trimmed.StartsWith('.')
            || trimmed.StartsWith('~')
            || (trimmed.Length >= 2 && trimmed[1] == ':' && char.IsAsciiLetter(trimmed[0]));
    }

    /// <summary>
    /// The first non-blank of the input's TaskId, Id, task_id properties; empty (with the first such <paramref name="name"/>)
    /// when it has them but all are blank; null when it has none.
    /// </summary>
    private static string? FindIdProperty(object input, out string? name)
    {
        name = null;
        string? blank = null;
        foreach (var (idName, value) in IdProperties(input))
        {
            var text = value is null ? null : PSObject.AsPSObject(value).BaseObject?.ToString();
            if (!string.IsNullOrWhiteSpace(text))
            {
                name = idName;
                return text;
            }

            blank ??= idName;
        }

        name = blank;
        return blank is null ? null : string.Empty;
    }

    private static IEnumerable<(string Name, object? Value)> IdProperties(object input)
    {
        if ((input is PSObject wrapped ? wrapped.BaseObject : input) is IDictionary dictionary)
        {
            foreach (var idName in IdPropertyNames)
            {
                foreach (DictionaryEntry entry in dictionary)
                {
                    if (string.Equals(entry.Key?.ToString(), idName, StringComparison.OrdinalIgnoreCase))
                    {
                        yield return (entry.Key!.ToString()!, entry.Value);
                    }
                }
            }

            yield break;
        }

        var psObject = PSObject.AsPSObject(input);
        foreach (var idName in IdPropertyNames)
        {
            if (psObject.Properties[idName] is { } property)
            {
                yield return (property.Name, property.Value);
            }
        }
    }
}
