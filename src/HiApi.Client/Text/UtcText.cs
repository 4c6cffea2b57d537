using System.Globalization;

namespace HiApi.Client;

/// <summary>
/// The one way a time is written for a person: ISO order in UTC ("2026-06-12 13:45 UTC"), whatever the machine's culture
/// or time zone, so a line reads the same in every console, log and bug report.
/// </summary>
public static class UtcText
{
    /// <summary>"yyyy-MM-dd HH:mm UTC".</summary>
    public static string Minutes(DateTimeOffset at) =>
        at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";

    /// <summary>"HH:mm:ss UTC": a time of day, for something read moments ago.</summary>
    public static string TimeOfDay(DateTimeOffset at) =>
        at.ToUniversalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";
}
