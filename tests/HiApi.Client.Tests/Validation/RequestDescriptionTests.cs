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
            Prompt = new string('x', 300),
            Duration = 3,
        });
        // Long enough to tell the scenes of a storyboard apart, bounded for a 300-character prompt.
        Assert.Contains("'" + new string('x', 157) + "...'", text);
        Assert.DoesNotContain(new string('x', 158), text);
        Assert.EndsWith(", image https://example.com/still.jpg.", text);
        Assert.StartsWith("Submit a paid task to happyhorse-1.1/image-to-video: 3 s", text);
    }

    [Fact]
    public void Shows_the_estimate_or_why_there_is_none()
    {
        var request = new VideoRequest { Prompt = "a lighthouse", Duration = 3, Resolution = "720p" };
        var list = PriceList.Parse(System.Text.Encoding.UTF8.GetBytes(
            """[{"model_name":"happyhorse-1.1/text-to-video","factors":["duration"],"base_usd_value":0.01}]"""), new Uri("https://api.example.test/api/pricing"), DateTimeOffset.UtcNow);

        Assert.Contains("3 s at 720p (estimated $0.03 = 3 s x $0.01/s), prompt 'a lighthouse'", RequestDescription.Describe(request, PriceEstimator.For(list).Estimate(request)));
        Assert.Contains("(estimate unknown: the request has no duration", RequestDescription.Describe(new VideoRequest { Prompt = "p" }, PriceEstimator.For(list).Estimate(new VideoRequest { Prompt = "p" })));
        Assert.DoesNotContain("estimate", RequestDescription.Describe(request));
    }
}
