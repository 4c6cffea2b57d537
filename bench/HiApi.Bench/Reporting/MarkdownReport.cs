using System.Text;

namespace HiApi.Bench.Reporting;

/// <summary>The one table the issue asks for, with the machine, the exact command and the notes on method.</summary>
internal static class MarkdownReport
{
    public static string Render(MachineInfo machine, string command, TimeSpan runTime, string loadBefore, string loadAfter, IReadOnlyList<RowGroup> groups)
    {
        var text = new StringBuilder();
        text.AppendLine("# HiApi.Video benchmark");
        text.AppendLine();
        text.AppendLine($"- Machine: {machine.Cpu}, {machine.Cores} cores, {machine.Memory} RAM, {machine.OperatingSystem}");
        text.AppendLine($"- Runtime: {machine.Runtime}; {machine.Curl}");
        text.AppendLine($"- Date: {machine.Date:yyyy-MM-dd HH:mm} UTC; commit {machine.Commit}; run took {runTime.TotalMinutes:0.0} min");
        text.AppendLine($"- Load average (1 / 5 / 15 min): {loadBefore} at the start, {loadAfter} at the end");
        text.AppendLine($"- Command: `{command}`");
        text.AppendLine();
        text.AppendLine("| # | metric | module | baseline | ratio or target | verdict |");
        text.AppendLine("|---|---|---|---|---|---|");
        foreach (var row in groups.SelectMany(group => group.Rows))
        {
            text.AppendLine($"| {Cell(row.Number)} | {Cell(row.Metric)} | {Cell(row.Module)} | {Cell(row.Baseline)} | {Cell(row.RatioOrTarget)} | {row.Verdict} |");
        }

        var notes = groups.SelectMany(group => group.Notes).ToList();
        if (notes.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("Notes:");
            text.AppendLine();
            foreach (var note in notes)
            {
                text.AppendLine("- " + note);
            }
        }

        return text.ToString();
    }

    private static string Cell(string value) => value.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", "<br>", StringComparison.Ordinal);
}
