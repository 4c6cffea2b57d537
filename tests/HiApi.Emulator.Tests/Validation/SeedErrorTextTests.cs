using System.Net;
using HiApi.Emulator.Tests.Support;

namespace HiApi.Emulator.Tests.Validation;

/// <summary>
/// Every error text the seeds quote comes back verbatim for the input that produced it in the seed, inside the
/// whole message the emulator builds from it.
/// </summary>
public sealed class SeedErrorTextTests : EmulatorTestBase
{
    [Fact]
    public async Task Seed000_validation_fixture_comes_back_byte_for_byte()
    {
        const string fixture =
            """{"code":400,"data":null,"error_code":"INVALID_REQUEST","message":"invalid input: aspect_ratio: value must be one of '16:9', '9:16', '3:4', '4:3', '4:5', '5:4', '1:1', '9:21', '21:9'; resolution: value must be one of '720p', '1080p'; duration: maximum: got 99, want 15"}""";

        var response = await Client.CreateAsync(
            """{"model":"happyhorse-1.1/text-to-video","input":{"prompt":"p","aspect_ratio":"2:1","resolution":"4k","duration":99}}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(fixture, response.Body);
        Assert.StartsWith("application/json", response.ContentType);
    }

    [Fact]
    public async Task Seed003_missing_image_urls_message_is_verbatim_with_escaped_quotes()
    {
        var response = await Client.CreateAsync(
            """{"model":"happyhorse-1.1/image-to-video","input":{"prompt":"the cat slowly turns its head toward the camera and blinks","resolution":"1080p","duration":5}}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        // The seed's body, with the envelope's data:null that seed 000 shows.
        Assert.Equal(
            """{"code":400,"data":null,"error_code":"INVALID_REQUEST","message":"invalid input: image_urls: missing required field \"image_urls\""}""",
            response.Body);
    }

    [Fact]
    public async Task Seed000_callback_when_other_than_final_is_rejected_verbatim()
    {
        var response = await Client.CreateAsync("""
            {"model":"happyhorse-1.1/text-to-video",
             "input":{"prompt":"an astronaut planting a flag on a glass beach","aspect_ratio":"16:9","resolution":"1080p","duration":6},
             "callback":{"url":"https://example.com/hooks/hiapi","when":"progress"}}
            """);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(
            """{"code":400,"data":null,"error_code":"INVALID_REQUEST","message":"invalid callback.when: only 'final' is supported"}""",
            response.Body);
    }

    [Theory]
    // Seed 000 FAQ: "Send 0 and you'll see duration: minimum: got 0, want 3; send 99 ... maximum: got 99, want 15".
    [InlineData(Models.TextToVideo, """{"prompt":"p","duration":0}""", "duration: minimum: got 0, want 3")]
    [InlineData(Models.TextToVideo, """{"prompt":"p","duration":99}""", "duration: maximum: got 99, want 15")]
    // Seed 003 table: "duration: minimum: got 2, want 3 / duration: maximum: got 30, want 15".
    [InlineData(Models.ImageToVideo, """{"image_urls":["https://example.com/your-still.jpg"],"duration":2}""", "duration: minimum: got 2, want 3")]
    [InlineData(Models.ImageToVideo, """{"image_urls":["https://example.com/your-still.jpg"],"duration":30}""", "duration: maximum: got 30, want 15")]
    // Seed 003 table: "image_urls: maxItems: got 2, want 1 (or minItems: got 0, want 1)".
    [InlineData(Models.ImageToVideo, """{"image_urls":["https://example.com/a.jpg","https://example.com/b.jpg"]}""", "image_urls: maxItems: got 2, want 1")]
    [InlineData(Models.ImageToVideo, """{"image_urls":[]}""", "image_urls: minItems: got 0, want 1")]
    // Seed 003 table: "Bad resolution ... resolution: value must be one of '720p', '1080p'".
    [InlineData(Models.ImageToVideo, """{"image_urls":["https://example.com/a.jpg"],"resolution":"4k"}""", "resolution: value must be one of '720p', '1080p'")]
    [InlineData(Models.TextToVideo, """{"prompt":"p","resolution":"480p"}""", "resolution: value must be one of '720p', '1080p'")]
    [InlineData(Models.TextToVideo, """{"prompt":"p","aspect_ratio":"2:1"}""", "aspect_ratio: value must be one of '16:9', '9:16', '3:4', '4:3', '4:5', '5:4', '1:1', '9:21', '21:9'")]
    public async Task Quoted_field_error_comes_back_verbatim(string model, string input, string seedText)
    {
        var response = await Client.CreateAsync($$"""{"model":"{{model}}","input":{{input}}}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("INVALID_REQUEST", response.Json.GetProperty("error_code").GetString());
        Assert.Equal("invalid input: " + seedText, response.Message);
    }

    [Theory]
    // Seed 000: "Things that look obvious but are not accepted today: size, audio, seed, negative_prompt."
    [InlineData("seed", "42")]
    [InlineData("audio", "true")]
    [InlineData("size", "\"1280x720\"")]
    [InlineData("negative_prompt", "\"blurry\"")]
    public async Task Text_to_video_rejects_unsupported_field(string field, string value)
    {
        var response = await Client.CreateAsync(
            """{"model":"happyhorse-1.1/text-to-video","input":{"prompt":"...",""" + $"\"{field}\":{value}" + "}}");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal($"invalid input: additional properties '{field}' not allowed", response.Message);
    }

    [Theory]
    // Seed 003: "anything else (seed, aspect_ratio, fps, cfg_scale, negative_prompt) is rejected as an unknown field",
    // and the table's "additional properties 'identity_preserving' not allowed".
    [InlineData("seed", "42")]
    [InlineData("aspect_ratio", "\"16:9\"")]
    [InlineData("fps", "24")]
    [InlineData("cfg_scale", "7.5")]
    [InlineData("negative_prompt", "\"blurry\"")]
    [InlineData("identity_preserving", "true")]
    public async Task Image_to_video_rejects_unsupported_field(string field, string value)
    {
        var response = await Client.CreateAsync(
            """{"model":"happyhorse-1.1/image-to-video","input":{"image_urls":["https://example.com/still.jpg"],""" + $"\"{field}\":{value}" + "}}");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal($"invalid input: additional properties '{field}' not allowed", response.Message);
    }

    [Fact]
    public async Task Unknown_field_at_the_root_is_rejected_in_the_seeds_wording()
    {
        // Seed 003: "Unknown field at root or in input | 400 | ... additional properties 'identity_preserving' not allowed".
        var response = await Client.CreateAsync(
            """{"model":"happyhorse-1.1/image-to-video","input":{"image_urls":["https://example.com/still.jpg"]},"identity_preserving":true}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("invalid request: additional properties 'identity_preserving' not allowed", response.Message);
    }

    [Fact]
    public async Task Several_unknown_fields_are_named_together_in_request_order()
    {
        var response = await Client.CreateAsync(
            """{"model":"happyhorse-1.1/text-to-video","input":{"seed":1,"prompt":"p","audio":true}}""");

        Assert.Equal("invalid input: additional properties 'seed', 'audio' not allowed", response.Message);
    }

    [Fact]
    public async Task Every_invalid_field_is_reported_in_one_answer_in_schema_order()
    {
        var response = await Client.CreateAsync(
            """{"model":"happyhorse-1.1/image-to-video","input":{"duration":2,"seed":1,"resolution":"4k","image_urls":["https://a.example/1.jpg","https://a.example/2.jpg"]},"callback":{"url":"https://example.com/h","when":"progress"}}""");

        Assert.Equal(
            "invalid input: image_urls: maxItems: got 2, want 1; resolution: value must be one of '720p', '1080p'; "
            + "duration: minimum: got 2, want 3; additional properties 'seed' not allowed; "
            + "invalid callback.when: only 'final' is supported",
            response.Message);
    }
}
