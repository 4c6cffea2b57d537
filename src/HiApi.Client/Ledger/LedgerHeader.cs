using System.Text.Json;
using System.Text.Json.Serialization;

namespace HiApi.Client;

/// <summary>
/// The first line of every ledger file this code creates. Its random <see cref="Generation"/> changes whenever
/// compaction replaces the file. This version tells a replaced file by its content instead (see
/// <see cref="LedgerFingerprint"/>), but keeps writing a fresh generation for older versions that rely on it.
/// </summary>
internal sealed class LedgerHeader
{
    public const string FormatName = "hiapi-video-task-ledger";

    /// <summary>
    /// The format version this code writes into a new or compacted ledger. 2: submissions carry their batch, input number
    /// and the request as the exact body sent (<c>body</c>), and batches have lines of their own (<c>kind: batch</c>);
    /// version 1 lines (the request as separate fields) are still read.
    /// </summary>
    public const int WrittenVersion = 2;

    /// <summary>
    /// The newest format version this code understands. A ledger whose header names a newer one is used read-only:
    /// rewriting or appending to it could lose or garble what the newer version wrote.
    /// </summary>
    public const int HighestUnderstoodVersion = 2;

    public string? Format { get; set; }
    public int Version { get; set; }
    public string? Generation { get; set; }
    public DateTimeOffset? CreatedAt { get; set; }

    /// <summary>Header fields this version does not know, written back as they were by compaction.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? UnknownFields { get; set; }
}
