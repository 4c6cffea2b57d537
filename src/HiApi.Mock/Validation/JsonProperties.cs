using System.Text.Json;

namespace HiApi.Mock.Validation;

/// <summary>
/// The members of one JSON object: names in the order they first appear (error messages list unknown fields in
/// request order) and, for a repeated name, the last value (what Go's decoder, and so the real API, keeps).
/// </summary>
internal sealed class JsonProperties
{
    private readonly Dictionary<string, JsonElement> _values = new(StringComparer.Ordinal);
    private readonly List<string> _names = [];

    public JsonProperties(JsonElement obj)
    {
        foreach (var property in obj.EnumerateObject())
        {
            if (!_values.ContainsKey(property.Name))
            {
                _names.Add(property.Name);
            }
            _values[property.Name] = property.Value;
        }
    }

    public IReadOnlyList<string> Names => _names;

    public bool TryGet(string name, out JsonElement value) => _values.TryGetValue(name, out value);

    /// <summary>The names not in <paramref name="known"/>, in request order.</summary>
    public List<string> UnknownNames(IReadOnlyCollection<string> known) =>
        _names.Where(name => !known.Contains(name)).ToList();

    /// <summary><c>additional properties 'a', 'b' not allowed</c>, the seeds' wording.</summary>
    public static string AdditionalPropertiesMessage(IEnumerable<string> names) =>
        $"additional properties {string.Join(", ", names.Select(name => $"'{name}'"))} not allowed";
}
