using HiApi.Client;

namespace HiApi.Client.Tests.Ledger;

/// <summary>
/// Deterministic ledger entries with every field set and values that stress the encoding (quotes, a line
/// break, non-ASCII). Also compiled into HiApi.TestWorker, so a child process writes exactly what the test
/// expects to read back.
/// </summary>
public static class LedgerSampleEntries
{
    private static readonly DateTimeOffset Epoch = new(2026, 3, 1, 9, 30, 0, TimeSpan.FromHours(2));

    public static string TaskId(string prefix, int index) => $"tk-hiapi-{prefix}-{index:D5}";

    public static LedgerEntry Create(string prefix, int index) => new()
    {
        TaskId = TaskId(prefix, index),
        Model = index % 2 == 0 ? "happyhorse-1.1/text-to-video" : "happyhorse-1.1/image-to-video",
        Batch = $"batch \"{prefix}\"",
        InputNumber = index + 1,
        Request = new VideoRequest
        {
            Model = index % 2 == 0 ? "happyhorse-1.1/text-to-video" : "happyhorse-1.1/image-to-video",
            Prompt = $"clip {index} of \"{prefix}\": a paper plane over neon Tokyo,\nslow motion — 24fps ✓",
            ImageUrl = $"https://example.com/{prefix}/still-{index}.jpg",
            AspectRatio = "16:9",
            Resolution = index % 3 == 0 ? "1080p" : "720p",
            Duration = 3 + (index % 13),
            CallbackUrl = $"https://hooks.example.com/hiapi?worker={prefix}",
        },
        SubmittedAt = Epoch.AddSeconds(index),
        Status = "queued",
        VideoUrl = $"https://temp.hiapi.ai/{prefix}/{index}.mp4",
        ExpiresAt = Epoch.AddDays(1).AddSeconds(index),
        ErrorCode = "none",
        ErrorMessage = $"placeholder error text {index}",
        SavedPath = $"/videos/{prefix}/{index}.mp4",
        SavedLength = 1_000_000L + index,
        SavedAt = Epoch.AddMinutes(5).AddSeconds(index),
        SeenAt = Epoch.AddMinutes(1).AddSeconds(index),
        UpdatedAt = Epoch.AddMinutes(6).AddSeconds(index),
    };
}
