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

    /// <summary>The task, or a task known only by id; null with <paramref name="problem"/> when the input is neither.</summary>
    public static HiApiTask? Resolve(object? input, out string? problem)
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
                problem = "A task or task id is required; got nothing.";
                return null;
        }

        if (FindIdProperty(input!) is { } id)
        {
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

    private static string? FindIdProperty(object input)
    {
        if ((input is PSObject wrapped ? wrapped.BaseObject : input) is IDictionary dictionary)
        {
            foreach (var name in IdPropertyNames)
            {
                foreach (DictionaryEntry entry in dictionary)
                {
                    if (string.Equals(entry.Key?.ToString(), name, StringComparison.OrdinalIgnoreCase) && entry.Value is not null)
                    {
                        return PSObject.AsPSObject(entry.Value).BaseObject?.ToString();
                    }
                }
            }
        }

        var psObject = PSObject.AsPSObject(input);
        foreach (var name in IdPropertyNames)
        {
            if (psObject.Properties[name]?.Value is { } value)
            {
                return PSObject.AsPSObject(value).BaseObject?.ToString();
            }
        }

        return null;
    }
}
