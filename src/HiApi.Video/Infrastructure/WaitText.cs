using System.Globalization;
using HiApi.Client;

namespace HiApi.Video.Infrastructure;

/// <summary>The words of Wait-HiApiTask's progress bar: a status as a person says it, and how long the wait has taken.</summary>
internal static class WaitText
{
    /// <summary>"queued", "handling", "archiving"; a task not read yet (or in a status added later) is "unknown".</summary>
    public static string Status(HiApiTaskStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>"9s", "2m05s", "1h02m": short enough for a one-line bar.</summary>
    public static string Elapsed(TimeSpan elapsed)
    {
        if (elapsed < TimeSpan.Zero)
        {
            elapsed = TimeSpan.Zero;
        }

        return elapsed.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)elapsed.TotalHours}h{elapsed.Minutes:00}m")
            : elapsed.TotalMinutes >= 1
                ? string.Create(CultureInfo.InvariantCulture, $"{(int)elapsed.TotalMinutes}m{elapsed.Seconds:00}s")
                : string.Create(CultureInfo.InvariantCulture, $"{(int)elapsed.TotalSeconds}s");
    }
}
