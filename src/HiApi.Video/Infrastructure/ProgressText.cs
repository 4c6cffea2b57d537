namespace HiApi.Video.Infrastructure;

/// <summary>
/// Status lines that fit PowerShell's one-line progress bar: <c>Activity [status ... 12s]</c>. The host cuts a longer
/// status in the middle of a word and drops what followed (at 80 columns, Save's rate became "1..."), so the parts are
/// given in order of importance and the ones that do not fit are left out whole.
/// </summary>
internal static class ProgressText
{
    /// <summary>
    /// The first part, then each following part that still fits beside the activity and the seconds remaining, joined with
    /// <paramref name="separator"/>. A multi-line view cuts nothing, so every part is kept.
    /// </summary>
    public static string Fit(string activity, IReadOnlyList<string> parts, int? secondsRemaining, ProgressLayout layout, string separator = ", ")
    {
        if (parts.Count == 0)
        {
            return string.Empty;
        }

        if (!layout.OneLine)
        {
            return string.Join(separator, parts);
        }

        var budget = layout.StatusBudget(activity, secondsRemaining);
        var text = parts[0];
        for (var i = 1; i < parts.Count; i++)
        {
            if (text.Length + separator.Length + parts[i].Length <= budget)
            {
                text += separator + parts[i];
            }
        }

        return text;
    }
}
