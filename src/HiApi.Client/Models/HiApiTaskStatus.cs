namespace HiApi.Client;

/// <summary>A task's lifecycle: queued, handling, archiving, then success or fail.</summary>
/// <remarks>
/// Based on <see cref="long"/> so that PowerShell's <c>ConvertTo-Json</c> writes a status as its name (<c>"Success"</c>),
/// as it does for every 64-bit enum, and not as a number that means nothing outside this module (<c>-EnumsAsStrings</c>
/// is not needed). The values are unchanged.
/// </remarks>
public enum HiApiTaskStatus : long
{
    Queued,
    Handling,
    Archiving,
    Success,
    Fail,

    /// <summary>A value the API added after this library was written, or a state not read yet.</summary>
    Unknown,
}
