using System.Management.Automation;

namespace HiApi.Video.Infrastructure;

/// <summary>
/// How the host draws a progress bar: the console's width, <c>$PSStyle.Progress.MaxWidth</c>, and whether the view is the
/// one-line Minimal view (the default since PowerShell 7.2) that cuts a long status.
/// </summary>
/// <param name="Width">The console's width in columns (80 when the host cannot say).</param>
/// <param name="MaxWidth">The widest a bar is drawn (<c>$PSStyle.Progress.MaxWidth</c>; 0: no cap).</param>
/// <param name="OneLine">The Minimal view: the status shares one line with the activity and is cut to fit.</param>
internal sealed record ProgressLayout(int Width, int MaxWidth, bool OneLine)
{
    /// <summary>An 80-column console with PowerShell's defaults.</summary>
    public static ProgressLayout Default { get; } = new(80, 120, true);

    /// <summary>The layout the cmdlet's host uses; its defaults for what it cannot say.</summary>
    public static ProgressLayout Of(PSCmdlet cmdlet)
    {
        var width = Default.Width;
        try
        {
            var columns = cmdlet.Host?.UI?.RawUI?.WindowSize.Width ?? 0;
            width = columns > 0 ? columns : width;
        }
        catch (Exception noConsole) when (noConsole is RuntimeException or NotImplementedException or NotSupportedException or InvalidOperationException or IOException)
        {
            // A runspace without a console (hosted, remote, a job): its host has no RawUI (a HostException). The default width.
        }

        // $PSStyle (7.2+) is read as the user set it; the module compiles against PowerShell Standard, which lacks the type.
        var progress = PSObject.AsPSObject(cmdlet.SessionState.PSVariable.GetValue("PSStyle"))?.Properties["Progress"]?.Value is { } value
            ? PSObject.AsPSObject(value)
            : null;
        var maxWidth = progress?.Properties["MaxWidth"]?.Value is int cap ? cap : Default.MaxWidth;
        var oneLine = progress?.Properties["View"]?.Value?.ToString() is not { } view || view == "Minimal";
        return new ProgressLayout(width, maxWidth, oneLine);
    }

    /// <summary>
    /// The characters a status may take beside <paramref name="activity"/> and the seconds remaining, as the host draws
    /// the bar: <c>activity [status, padding, NNs]</c> in at most the width less one (or <see cref="MaxWidth"/>).
    /// </summary>
    public int StatusBudget(string activity, int? secondsRemaining)
    {
        var widest = Width - 1;
        if (MaxWidth > 0 && widest > MaxWidth)
        {
            widest = MaxWidth;
        }

        var bar = widest - activity.Length - 4;
        var seconds = secondsRemaining is int s && s >= 0 ? s.ToString(System.Globalization.CultureInfo.InvariantCulture).Length + 1 : 0;
        return bar - seconds - 1;
    }
}
