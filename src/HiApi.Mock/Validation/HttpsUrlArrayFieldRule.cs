using System.Text.Json;

namespace HiApi.Mock.Validation;

/// <summary>An array of absolute https URLs with a bounded item count (image-to-video's <c>image_urls</c>).</summary>
internal sealed class HttpsUrlArrayFieldRule(string name, bool required, int minItems, int maxItems) : FieldRule(name, required)
{
    public override void Check(JsonElement value, List<string> errors)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            errors.Add(TypeError(value, "array"));
            return;
        }

        var count = value.GetArrayLength();
        if (count < minItems)
        {
            errors.Add($"{Name}: minItems: got {count}, want {minItems}");
        }
        if (count > maxItems)
        {
            errors.Add($"{Name}: maxItems: got {count}, want {maxItems}");
        }

        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var path = $"{Name}/{index}";
            if (item.ValueKind != JsonValueKind.String)
            {
                errors.Add($"{path}: got {JsonTypes.TypeName(item)}, want string");
            }
            else if (!UrlRules.IsAbsoluteUrl(item.GetString()!, allowHttp: false))
            {
                errors.Add($"{path}: value must be an absolute https URL");
            }
            index++;
        }
    }
}
