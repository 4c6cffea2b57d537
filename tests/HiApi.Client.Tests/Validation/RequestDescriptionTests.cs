namespace HiApi.Client.Tests;

/// <summary>-WhatIf names what sets the price: model, duration, resolution, and the start of the prompt.</summary>
public sealed class RequestDescriptionTests
{
    [Fact]
    public void Names_model_duration_resolution_and_prompt()
        => Assert.Equal(
            "Submit a paid task to happyhorse-1.1/text-to-video: 8 s at 1080p, prompt 'a vintage paper plane'.",
            RequestDescription.Describe(new VideoRequest { Prompt = "a vintage paper plane", Duration = 8, Resolution = "1080p" }));

    [Fact]
    public void Says_when_the_model_default_decides_the_price()
    {
        var text = RequestDescription.Describe(new VideoRequest { Prompt = "p" });
        Assert.Contains("the model's default duration", text);
        Assert.Contains("default resolution", text);
    }

    [Fact]
    public void Shortens_a_long_prompt_and_names_the_image()
    {
        var text = RequestDescription.Describe(new VideoRequest
        {
            Model = HiApiModels.ImageToVideo,
            ImageUrl = "https://example.com/still.jpg",
            Prompt = new string('x', 100),
            Duration = 3,
        });
        Assert.Contains("'" + new string('x', 40) + "...'", text);
        Assert.DoesNotContain(new string('x', 41), text);
        Assert.EndsWith(", image https://example.com/still.jpg.", text);
        Assert.StartsWith("Submit a paid task to happyhorse-1.1/image-to-video: 3 s", text);
    }
}
