using System.Text.Json;
using System.Text.Json.Nodes;

namespace HiApi.Client.Tests.Ledger;

/// <summary>Field-by-field comparison of ledger entries, covering every public property (including future ones).</summary>
public static class LedgerAssert
{
    public static void SameEntry(LedgerEntry expected, LedgerEntry? actual) => SameEntryExcept(expected, actual);

    /// <summary>Like <see cref="SameEntry"/>, ignoring the named properties (those a later event changed).</summary>
    public static void SameEntryExcept(LedgerEntry expected, LedgerEntry? actual, params string[] ignoredProperties)
    {
        Assert.NotNull(actual);
        Assert.Equal(Describe(expected, ignoredProperties), Describe(actual, ignoredProperties));
    }

    /// <summary>Lines of the ledger file, proving what was (or was not) written.</summary>
    public static string[] FileLines(string path) => File.ReadAllLines(path);

    /// <summary>Every line of the file is a complete JSON object and the file ends with a newline.</summary>
    public static void NoTornLines(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.Equal((byte)'\n', bytes[^1]);
        foreach (var line in File.ReadAllLines(path))
        {
            Assert.IsType<JsonObject>(JsonNode.Parse(line));
        }
    }

    private static string Describe(LedgerEntry entry, string[] ignoredProperties)
    {
        var json = JsonSerializer.SerializeToNode(entry)!.AsObject();
        foreach (var property in ignoredProperties)
        {
            Assert.True(json.Remove(property), $"LedgerEntry has no property {property}");
        }

        return json.ToJsonString();
    }
}
