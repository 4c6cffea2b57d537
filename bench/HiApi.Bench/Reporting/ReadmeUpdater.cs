namespace HiApi.Bench.Reporting;

/// <summary>
/// Puts the latest table into <c>bench/README.md</c> between its two markers, so the README always shows a full run
/// with the machine it ran on. Only runs with the default sizes are worth showing there.
/// </summary>
internal static class ReadmeUpdater
{
    private const string Start = "<!-- LATEST-RESULTS:START -->";
    private const string End = "<!-- LATEST-RESULTS:END -->";

    public static bool TryUpdate(string readmePath, string report)
    {
        if (!File.Exists(readmePath))
        {
            return false;
        }

        var text = File.ReadAllText(readmePath);
        var start = text.IndexOf(Start, StringComparison.Ordinal);
        var end = text.IndexOf(End, StringComparison.Ordinal);
        if (start < 0 || end < start)
        {
            return false;
        }

        // The report's own title would be a second H1 inside the README; the README's heading introduces it.
        var body = string.Join('\n', report.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').SkipWhile(line => line.StartsWith("# ", StringComparison.Ordinal) || line.Length == 0));
        var updated = text[..(start + Start.Length)] + "\n" + body.TrimEnd() + "\n" + text[end..];
        var temporary = readmePath + ".tmp";
        File.WriteAllText(temporary, updated);
        File.Move(temporary, readmePath, overwrite: true);
        return true;
    }
}
