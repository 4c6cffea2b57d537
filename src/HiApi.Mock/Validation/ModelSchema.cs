using System.Text.Json;

namespace HiApi.Mock.Validation;

/// <summary>
/// The strict input schema of one model: fields in the order errors are reported, and no other field allowed.
/// </summary>
internal sealed class ModelSchema(string model, IReadOnlyList<FieldRule> fields)
{
    public const string TextToVideo = "happyhorse-1.1/text-to-video";
    public const string ImageToVideo = "happyhorse-1.1/image-to-video";

    public static readonly IReadOnlyList<string> AspectRatios = ["16:9", "9:16", "3:4", "4:3", "4:5", "5:4", "1:1", "9:21", "21:9"];
    public static readonly IReadOnlyList<string> Resolutions = ["720p", "1080p"];
    public const int MinDuration = 3;
    public const int MaxDuration = 15;

    public static readonly ModelSchema TextToVideoSchema = new(TextToVideo,
    [
        new StringFieldRule("prompt", required: true, minLength: 1),
        new StringFieldRule("aspect_ratio", required: false, allowed: AspectRatios),
        new StringFieldRule("resolution", required: false, allowed: Resolutions),
        new IntegerFieldRule("duration", required: false, MinDuration, MaxDuration),
    ]);

    public static readonly ModelSchema ImageToVideoSchema = new(ImageToVideo,
    [
        new HttpsUrlArrayFieldRule("image_urls", required: true, minItems: 1, maxItems: 1),
        new StringFieldRule("prompt", required: false),
        new StringFieldRule("resolution", required: false, allowed: Resolutions),
        new IntegerFieldRule("duration", required: false, MinDuration, MaxDuration),
    ]);

    /// <summary>The models in the order the enum error lists them.</summary>
    public static readonly IReadOnlyList<ModelSchema> All = [TextToVideoSchema, ImageToVideoSchema];

    public string Model { get; } = model;

    public IReadOnlyList<FieldRule> Fields { get; } = fields;

    public static ModelSchema? Find(string model) => All.FirstOrDefault(schema => schema.Model == model);

    /// <summary>Every violation in <paramref name="input"/>: fields in schema order, then unknown fields.</summary>
    public List<string> Check(JsonElement input)
    {
        var errors = new List<string>();
        var properties = new JsonProperties(input);
        foreach (var field in Fields)
        {
            if (properties.TryGet(field.Name, out var value))
            {
                field.Check(value, errors);
            }
            else if (field.Required)
            {
                errors.Add($"{field.Name}: missing required field \"{field.Name}\"");
            }
        }

        var unknown = properties.UnknownNames(Fields.Select(field => field.Name).ToArray());
        if (unknown.Count > 0)
        {
            errors.Add(JsonProperties.AdditionalPropertiesMessage(unknown));
        }
        return errors;
    }
}
