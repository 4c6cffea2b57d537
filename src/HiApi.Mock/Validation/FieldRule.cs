using System.Text.Json;

namespace HiApi.Mock.Validation;

/// <summary>One field of a model's input schema: how to check a value that is present.</summary>
internal abstract class FieldRule(string name, bool required)
{
    public string Name { get; } = name;

    public bool Required { get; } = required;

    /// <summary>Adds every violation of this value to <paramref name="errors"/>, each prefixed with the field path.</summary>
    public abstract void Check(JsonElement value, List<string> errors);

    protected string TypeError(JsonElement value, string wanted) =>
        $"{Name}: got {JsonTypes.TypeName(value)}, want {wanted}";
}
