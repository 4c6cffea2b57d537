using System.Text.Json.Serialization;

namespace HiApi.Bench.Hosting;

/// <summary>A partial <c>PUT /_emulator/config</c>: only the values set here change.</summary>
internal sealed record EmulatorSettings
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? QueuedMs { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? HandlingMs { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? ArchivingMs { get; init; }

    /// <summary>0 switches the rate limit off.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? RateLimitRequests { get; init; }

    /// <summary>0 serves the plain fixture.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? VideoSizeBytes { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? RecordRequests { get; init; }

    /// <summary>Added before every API answer and a download's first byte; 0 switches it off.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? LatencyMs { get; init; }

    /// <summary>Per-connection pace of a download; 0 switches it off.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? DownloadBytesPerSecond { get; init; }

    /// <summary>Queued, handling and archiving times that add up to <paramref name="render"/> (1:4:1, like a real render).</summary>
    public static EmulatorSettings RenderTime(TimeSpan render)
    {
        var total = (int)render.TotalMilliseconds;
        var queued = total / 6;
        var archiving = total / 6;
        return new EmulatorSettings { QueuedMs = queued, HandlingMs = total - queued - archiving, ArchivingMs = archiving };
    }
}
