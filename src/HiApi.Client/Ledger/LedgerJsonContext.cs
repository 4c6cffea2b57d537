using System.Text.Json.Serialization;

namespace HiApi.Client;

/// <summary>
/// Source-generated (reflection-free, trim-safe) serialization for the ledger file. Nulls are left out so each
/// line carries only what its event changed; the default encoder escapes control characters, so a prompt with
/// line breaks can never split a record across lines.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = false)]
[JsonSerializable(typeof(LedgerRecord))]
[JsonSerializable(typeof(LedgerHeader))]
[JsonSerializable(typeof(SavedFile))]
internal sealed partial class LedgerJsonContext : JsonSerializerContext
{
}
