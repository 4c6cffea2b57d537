using System.Text;

namespace HiApi.Client.Tests;

/// <summary>Price lists as HiAPI publishes them, built from JSON text, for the parser, the estimator and the budget.</summary>
internal static class PriceRows
{
    public const string Text = HiApiModels.TextToVideo;
    public const string Image = HiApiModels.ImageToVideo;
    public static readonly DateTimeOffset ReadAt = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    /// <summary>The emulator's default rows: $0.01 a second, 1080p x1.5, for both models.</summary>
    public const string Default = """
        {"data":[
          {"model_name":"happyhorse-1.1/text-to-video","factors":["duration"],"base_usd_value":0.01,
           "policies":[{"rule":{"resolution":{"match":"1080p"}},"pricing_type":"multiply","times":1.5}]},
          {"model_name":"happyhorse-1.1/image-to-video","factors":["duration"],"base_usd_value":0.01,
           "policies":[{"rule":{"resolution":{"match":"1080p"}},"pricing_type":"multiply","times":1.5}]}
        ]}
        """;

    public static PriceList Parse(string json) => PriceList.Parse(Encoding.UTF8.GetBytes(json), new Uri("https://api.example.test/api/pricing"), ReadAt);

    /// <summary>A list holding one row for the text-to-video model, written as <paramref name="rowJson"/>.</summary>
    public static PriceList OneRow(string rowJson) => Parse($$"""{"data":[{{rowJson}}]}""");

    /// <summary>The text-to-video row with the given fields after its name.</summary>
    public static string TextRow(string fields) => $$"""{"model_name":"{{Text}}",{{fields}}}""";

    public static string ProblemOf(PriceList list, string model = Text)
    {
        Assert.False(list.TryGetModel(model, out _, out var problem), $"{model} was priced");
        return problem;
    }

    public static VideoRequest Request(int? duration = 3, string? resolution = null, string? aspectRatio = null, string? imageUrl = null) => new()
    {
        Model = imageUrl is null ? Text : Image,
        Prompt = "a lighthouse at dawn",
        Duration = duration,
        Resolution = resolution,
        AspectRatio = aspectRatio,
        ImageUrl = imageUrl,
    };
}
