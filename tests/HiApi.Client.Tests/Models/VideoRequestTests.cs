namespace HiApi.Client.Tests;

/// <summary>The one request shape: the body as sent, kept byte for byte, compared by its bytes.</summary>
public sealed class VideoRequestTests
{
    [Fact]
    public void A_request_read_back_from_its_body_is_the_same_request_with_the_same_bytes()
    {
        var request = new VideoRequest
        {
            Model = HiApiModels.ImageToVideo,
            Prompt = "she turns, \"smiles\"\nand waves – ünïcode 🐦",
            ImageUrl = "https://example.com/still.jpg",
            Resolution = "1080p",
            Duration = 5,
            CallbackUrl = "https://hooks.example.com/h",
        };

        var back = VideoRequest.FromBody(request.BodyText)!;

        Assert.Equal(request, back);
        Assert.Equal(request.BodyText, back.BodyText);
        Assert.Equal(request.Fingerprint, back.Fingerprint);
        Assert.Equal((request.Model, request.Prompt, request.ImageUrl, request.Resolution, request.Duration, request.CallbackUrl),
            (back.Model, back.Prompt, back.ImageUrl, back.Resolution, back.Duration, back.CallbackUrl));
    }

    [Fact]
    public void A_stored_body_is_kept_as_stored_even_when_this_code_would_write_it_otherwise()
    {
        const string stored = """{"input":{"duration":3,"prompt":"p"},"model":"happyhorse-1.1/text-to-video"}""";
        var request = VideoRequest.FromBody(stored)!;

        Assert.Equal(stored, request.BodyText);
        Assert.NotEqual(new VideoRequest { Prompt = "p", Duration = 3 }, request); // same fields, other bytes: another request to HiAPI
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"input":{"prompt":"no model"}}""")]
    [InlineData("""{"model":"m"}""")]
    [InlineData("""{"model":"m","input":{"image_urls":["https://a/1.jpg","https://a/2.jpg"]}}""")]
    public void A_body_this_library_did_not_write_is_not_a_request(string body) => Assert.Null(VideoRequest.FromBody(body));

    [Fact]
    public void Requests_differing_in_one_field_differ()
    {
        Assert.NotEqual(new VideoRequest { Prompt = "p", Duration = 3 }, new VideoRequest { Prompt = "p", Duration = 4 });
        Assert.Equal(new VideoRequest { Prompt = "p", Duration = 3 }, new VideoRequest { Prompt = "p", Duration = 3 });
    }
}
