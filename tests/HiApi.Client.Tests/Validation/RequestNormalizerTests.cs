namespace HiApi.Client.Tests;

/// <summary>Values PowerShell's case-insensitive ValidateSet let through reach the API in the contract's spelling.</summary>
public sealed class RequestNormalizerTests
{
    [Theory]
    [InlineData("720P", "720p")]
    [InlineData("1080P", "1080p")]
    [InlineData("720p", "720p")]
    public void Resolution_takes_the_contract_spelling(string typed, string sent)
        => Assert.Equal(sent, RequestNormalizer.Normalize(new VideoRequest { Prompt = "p", Resolution = typed }).Resolution);

    [Fact]
    public void Model_takes_the_contract_spelling_and_the_request_becomes_valid()
    {
        var typed = new VideoRequest { Model = "HappyHorse-1.1/Text-To-Video", Prompt = "p", Resolution = "1080P", AspectRatio = "16:9" };
        Assert.NotEmpty(RequestValidator.Validate(typed));

        var normalized = RequestNormalizer.Normalize(typed);
        Assert.Equal(HiApiModels.TextToVideo, normalized.Model);
        Assert.Empty(RequestValidator.Validate(normalized));
    }

    [Fact]
    public void Unknown_values_are_left_for_the_validator_to_report()
    {
        var normalized = RequestNormalizer.Normalize(new VideoRequest { Prompt = "p", Resolution = "4k", AspectRatio = "2:1" });
        Assert.Equal("4k", normalized.Resolution);
        Assert.Equal("2:1", normalized.AspectRatio);
        Assert.Equal(["aspect_ratio", "resolution"], RequestValidator.Validate(normalized).Select(e => e.Field));
    }

    [Fact]
    public void Every_other_field_is_carried_over_unchanged()
    {
        var request = new VideoRequest
        {
            Model = HiApiModels.ImageToVideo,
            Prompt = "Keep Case",
            ImageUrl = "https://example.com/A.JPG",
            Duration = 7,
            CallbackUrl = "https://example.com/Hook",
        };
        var normalized = RequestNormalizer.Normalize(request);
        Assert.Equal((request.Prompt, request.ImageUrl, request.Duration, request.CallbackUrl), (normalized.Prompt, normalized.ImageUrl, normalized.Duration, normalized.CallbackUrl));
        Assert.Null(normalized.AspectRatio);
        Assert.Null(normalized.Resolution);
    }
}
