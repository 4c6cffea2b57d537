using System.Text.Json;

namespace HiApi.Client;

/// <summary>How fields this version does not know travel through the fold: like known ones, the latest value wins.</summary>
internal static class LedgerUnknownFields
{
    public static IReadOnlyDictionary<string, JsonElement>? Merge(IReadOnlyDictionary<string, JsonElement>? current, Dictionary<string, JsonElement>? update)
    {
        if (update is not { Count: > 0 })
        {
            return current;
        }

        if (current is not { Count: > 0 })
        {
            return update;
        }

        var merged = new Dictionary<string, JsonElement>(current, StringComparer.Ordinal);
        foreach (var (name, value) in update)
        {
            merged[name] = value;
        }

        return merged;
    }

    public static Dictionary<string, JsonElement>? Copy(IReadOnlyDictionary<string, JsonElement>? fields) =>
        fields is { Count: > 0 } ? new Dictionary<string, JsonElement>(fields, StringComparer.Ordinal) : null;
}
