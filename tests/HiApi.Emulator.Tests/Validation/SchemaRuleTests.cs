using System.Net;
using HiApi.Emulator.Tests.Support;

namespace HiApi.Emulator.Tests.Validation;

/// <summary>The schema rules where the seeds give the rule but not the text: types, acceptance, JSON Schema integers.</summary>
public sealed class SchemaRuleTests : EmulatorTestBase
{
    private async Task<ApiResponse> CreateAsync(string model, string input) =>
        await Client.CreateAsync($$"""{"model":"{{model}}","input":{{input}}}""");

    [Theory]
    [InlineData("5.5", "duration: got number, want integer")]
    [InlineData("\"5\"", "duration: got string, want integer")]
    [InlineData("null", "duration: got null, want integer")]
    [InlineData("true", "duration: got boolean, want integer")]
    [InlineData("[5]", "duration: got array, want integer")]
    public async Task Non_integer_duration_is_a_type_error(string duration, string expected)
    {
        var response = await CreateAsync(Models.TextToVideo, $$"""{"prompt":"p","duration":{{duration}}}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("invalid input: " + expected, response.Message);
    }

    [Theory]
    [InlineData("5.0")]
    [InlineData("3")]
    [InlineData("15")]
    [InlineData("1.5e1")]
    public async Task Integer_valued_numbers_in_range_are_accepted(string duration)
    {
        var response = await CreateAsync(Models.TextToVideo, $$"""{"prompt":"p","duration":{{duration}}}""");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Matches("^tk-hiapi-[0-9A-HJKMNP-TV-Z]{26}$", response.TaskId);
    }

    [Theory]
    [InlineData("2", "duration: minimum: got 2, want 3")]
    [InlineData("16", "duration: maximum: got 16, want 15")]
    [InlineData("-1", "duration: minimum: got -1, want 3")]
    [InlineData("99.0", "duration: maximum: got 99.0, want 15")]
    public async Task Range_errors_quote_the_number_as_sent(string duration, string expected)
    {
        var response = await CreateAsync(Models.TextToVideo, $$"""{"prompt":"p","duration":{{duration}}}""");

        Assert.Equal("invalid input: " + expected, response.Message);
    }

    [Theory]
    [InlineData("16:9")]
    [InlineData("9:16")]
    [InlineData("3:4")]
    [InlineData("4:3")]
    [InlineData("4:5")]
    [InlineData("5:4")]
    [InlineData("1:1")]
    [InlineData("9:21")]
    [InlineData("21:9")]
    public async Task Every_documented_aspect_ratio_is_accepted(string aspectRatio)
    {
        var response = await CreateAsync(Models.TextToVideo, $$"""{"prompt":"p","aspect_ratio":"{{aspectRatio}}"}""");

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Theory]
    [InlineData(Models.TextToVideo, """{"prompt":"p","resolution":"720p"}""")]
    [InlineData(Models.TextToVideo, """{"prompt":"p","resolution":"1080p"}""")]
    [InlineData(Models.ImageToVideo, """{"image_urls":["https://example.com/s.jpg"],"resolution":"720p"}""")]
    [InlineData(Models.ImageToVideo, """{"image_urls":["https://example.com/s.jpg"],"resolution":"1080p"}""")]
    // The seeds' own full examples.
    [InlineData(Models.TextToVideo, """{"prompt":"a vintage paper plane gliding above neon Tokyo at night, cinematic, 24fps","aspect_ratio":"16:9","resolution":"1080p","duration":8}""")]
    [InlineData(Models.ImageToVideo, """{"image_urls":["https://example.com/your-still.jpg"],"prompt":"the cat slowly turns its head toward the camera and blinks","resolution":"1080p","duration":5}""")]
    [InlineData(Models.ImageToVideo, """{"image_urls":["https://example.com/still.jpg"]}""")]
    [InlineData(Models.ImageToVideo, """{"image_urls":["https://example.com/still.jpg"],"prompt":""}""")]
    public async Task Valid_requests_of_both_models_are_accepted(string model, string input)
    {
        var response = await CreateAsync(model, input);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(
            $$"""{"code":200,"data":{"taskId":"{{response.TaskId}}"},"message":"success"}""",
            response.Body);
    }

    [Theory]
    [InlineData(Models.TextToVideo, """{}""", "prompt: missing required field \"prompt\"")]
    [InlineData(Models.TextToVideo, """{"prompt":""}""", "prompt: minLength: got 0, want 1")]
    [InlineData(Models.TextToVideo, """{"prompt":42}""", "prompt: got number, want string")]
    [InlineData(Models.TextToVideo, """{"prompt":"p","aspect_ratio":null}""", "aspect_ratio: got null, want string")]
    [InlineData(Models.TextToVideo, """{"prompt":"p","Prompt":"q"}""", "additional properties 'Prompt' not allowed")]
    [InlineData(Models.TextToVideo, """{"prompt":"p","image_urls":["https://example.com/a.jpg"]}""", "additional properties 'image_urls' not allowed")]
    [InlineData(Models.ImageToVideo, """{"image_urls":"https://example.com/a.jpg"}""", "image_urls: got string, want array")]
    [InlineData(Models.ImageToVideo, """{"image_urls":[42]}""", "image_urls/0: got number, want string")]
    [InlineData(Models.ImageToVideo, """{"image_urls":["http://example.com/a.jpg"]}""", "image_urls/0: value must be an absolute https URL")]
    [InlineData(Models.ImageToVideo, """{"image_urls":["/a.jpg"]}""", "image_urls/0: value must be an absolute https URL")]
    [InlineData(Models.ImageToVideo, """{"image_urls":["https://example.com/a.jpg"],"prompt":7}""", "prompt: got number, want string")]
    [InlineData(Models.ImageToVideo, """{"image_urls":["https://example.com/a.jpg"],"aspect_ratio":"16:9","fps":24}""", "additional properties 'aspect_ratio', 'fps' not allowed")]
    public async Task Field_rules_produce_the_documented_texts(string model, string input, string expected)
    {
        var response = await CreateAsync(model, input);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("invalid input: " + expected, response.Message);
    }
}
