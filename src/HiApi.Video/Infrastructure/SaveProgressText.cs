using HiApi.Client;

namespace HiApi.Video.Infrastructure;

/// <summary>
/// Save-HiApiVideo's status line: "1 of 3 saved, 9.8 MiB/s, 53.4 MiB of 114.4 MiB, 3 downloading", in that order of
/// importance, each part kept only when it fits whole (the rate used to be cut to "1..." at 80 columns).
/// </summary>
internal static class SaveProgressText
{
    public static string Of(BatchSnapshot batch, string activity, ProgressLayout layout)
    {
        var parts = new List<string> { $"{batch.FilesDone} of {batch.FilesKnown} saved" };
        if (batch.BytesPerSecond > 0)
        {
            parts.Add($"{ByteSize.Format((long)batch.BytesPerSecond)}/s");
        }

        parts.Add(batch.BytesTotal is { } total
            ? $"{ByteSize.Format(batch.BytesReceived)} of {ByteSize.Format(total)}"
            : ByteSize.Format(batch.BytesReceived));
        if (batch.FilesActive > 0)
        {
            parts.Add($"{batch.FilesActive} downloading");
        }

        return ProgressText.Fit(activity, parts, batch.SecondsRemaining, layout);
    }
}
