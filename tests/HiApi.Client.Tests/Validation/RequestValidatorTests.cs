namespace HiApi.Client.Tests;

/// <summary>
/// The validator against every error text the seeds quote that a typed <see cref="VideoRequest"/>
/// can produce. Texts a typed request cannot produce (unknown fields such as seed or audio, two
/// image URLs, a callback "when" other than final) are checked by the parsing tests instead.
/// </summary>
public sealed class RequestValidatorTests
{
    private const string AspectRatioEnum =
        "aspect_ratio: value must be one of '16:9', '9:16', '3:4', '4:3', '4:5', '5:4', '1:1', '9:21', '21:9'";

    private const string ResolutionEnum = "resolution: value must be one of '720p', '1080p'";

    private static string? MessageFor(VideoRequest request) => RequestValidator.FormatMessage(RequestValidator.Validate(request));

    [Fact]
    public void Seed000Fixture_IsReproducedExactly()
    {
        var request = new VideoRequest { Prompt = "a calm ocean wave", AspectRatio = "2:1", Resolution = "4k", Duration = 99 };

        Assert.Equal(
            "invalid input: aspect_ratio: value must be one of '16:9', '9:16', '3:4', '4:3', '4:5', '5:4', '1:1', '9:21', '21:9'; resolution: value must be one of '720p', '1080p'; duration: maximum: got 99, want 15",
            MessageFor(request));
    }

    [Theory]
    [InlineData(0, "duration: minimum: got 0, want 3")]
    [InlineData(2, "duration: minimum: got 2, want 3")]
    [InlineData(-5, "duration: minimum: got -5, want 3")]
    [InlineData(16, "duration: maximum: got 16, want 15")]
    [InlineData(30, "duration: maximum: got 30, want 15")]
    [InlineData(99, "duration: maximum: got 99, want 15")]
    public void DurationOutOfRange_UsesTheSeedsWording(int duration, string expected)
    {
        foreach (var request in new[]
        {
            new VideoRequest { Prompt = "p", Duration = duration },
            new VideoRequest { Model = HiApiModels.ImageToVideo, ImageUrl = "https://example.com/a.jpg", Duration = duration },
        })
        {
            var errors = RequestValidator.Validate(request);

            var error = Assert.Single(errors);
            Assert.Equal(expected, error.ToString());
            Assert.Equal("invalid input: " + expected, RequestValidator.FormatMessage(errors));
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(15)]
    public void DurationInRange_IsAccepted(int duration) =>
        Assert.Empty(RequestValidator.Validate(new VideoRequest { Prompt = "p", Duration = duration }));

    [Fact]
    public void ImageToVideoWithoutImage_MatchesTheSeed003Body()
    {
        var request = new VideoRequest { Model = HiApiModels.ImageToVideo, Prompt = "she smiles" };

        Assert.Equal("invalid input: image_urls: missing required field \"image_urls\"", MessageFor(request));
    }

    [Fact]
    public void BadResolution_OnImageToVideo_MatchesTheSeed003Text()
    {
        var request = new VideoRequest { Model = HiApiModels.ImageToVideo, ImageUrl = "https://example.com/a.jpg", Resolution = "480p" };

        Assert.Equal("invalid input: " + ResolutionEnum, MessageFor(request));
    }

    [Fact]
    public void AspectRatioOnImageToVideo_IsAnUnknownField_LastInTheInputPart()
    {
        var request = new VideoRequest
        {
            Model = HiApiModels.ImageToVideo,
            ImageUrl = "https://example.com/a.jpg",
            AspectRatio = "16:9",
            Duration = 2,
        };

        Assert.Equal(
            "invalid input: duration: minimum: got 2, want 3; additional properties 'aspect_ratio' not allowed",
            MessageFor(request));
        Assert.Equal("aspect_ratio", RequestValidator.Validate(request)[1].Field);
    }

    [Fact]
    public void ImageUrlOnTextToVideo_IsAnUnknownField()
    {
        var request = new VideoRequest { Prompt = "p", ImageUrl = "https://example.com/a.jpg", Resolution = "8k" };

        Assert.Equal(
            "invalid input: " + ResolutionEnum + "; additional properties 'image_urls' not allowed",
            MessageFor(request));
    }

    [Fact]
    public void TextToVideoPrompt_MissingAndEmpty_HaveDifferentMessages()
    {
        Assert.Equal("invalid input: prompt: missing required field \"prompt\"", MessageFor(new VideoRequest()));
        Assert.Equal("invalid input: prompt: minLength: got 0, want 1", MessageFor(new VideoRequest { Prompt = "" }));
    }

    [Fact]
    public void ImageToVideo_PromptIsOptional() =>
        Assert.Empty(RequestValidator.Validate(new VideoRequest { Model = HiApiModels.ImageToVideo, ImageUrl = "https://example.com/a.jpg" }));

    [Theory]
    [InlineData("http://example.com/a.jpg")]
    [InlineData("ftp://example.com/a.jpg")]
    [InlineData("example.com/a.jpg")]
    [InlineData("/tmp/a.jpg")]
    [InlineData("")]
    [InlineData("https://")]
    public void ImageUrl_MustBeAbsoluteHttps(string imageUrl)
    {
        var request = new VideoRequest { Model = HiApiModels.ImageToVideo, ImageUrl = imageUrl };

        Assert.Equal("invalid input: image_urls/0: value must be an absolute https URL", MessageFor(request));
        Assert.Equal("image_urls/0", RequestValidator.Validate(request)[0].Field);
    }

    [Fact]
    public void EveryTextToVideoField_IsReportedTogether_InSchemaOrder()
    {
        var request = new VideoRequest { Prompt = "", AspectRatio = "16x9", Resolution = "720", Duration = 0, ImageUrl = "https://x.test/a.png" };

        var fields = RequestValidator.Validate(request).Select(e => e.Field).ToArray();

        Assert.Equal(new[] { "prompt", "aspect_ratio", "resolution", "duration", "image_urls" }, fields);
        Assert.Equal(
            "invalid input: prompt: minLength: got 0, want 1; " + AspectRatioEnum + "; " + ResolutionEnum +
            "; duration: minimum: got 0, want 3; additional properties 'image_urls' not allowed",
            MessageFor(request));
    }

    [Fact]
    public void EveryImageToVideoField_IsReportedTogether_InSchemaOrder()
    {
        var request = new VideoRequest
        {
            Model = HiApiModels.ImageToVideo,
            ImageUrl = "http://insecure.test/a.png",
            Resolution = "4k",
            Duration = 40,
            AspectRatio = "1:1",
        };

        Assert.Equal(
            "invalid input: image_urls/0: value must be an absolute https URL; " + ResolutionEnum +
            "; duration: maximum: got 40, want 15; additional properties 'aspect_ratio' not allowed",
            MessageFor(request));
    }

    [Fact]
    public void EnumValues_AreCaseSensitive_LikeTheServer()
    {
        Assert.Equal("invalid input: " + ResolutionEnum, MessageFor(new VideoRequest { Prompt = "p", Resolution = "1080P" }));
    }

    [Fact]
    public void EveryAllowedValue_IsAccepted()
    {
        foreach (var ratio in HiApiSchema.AspectRatios)
        {
            foreach (var resolution in HiApiSchema.Resolutions)
            {
                Assert.Empty(RequestValidator.Validate(new VideoRequest { Prompt = "p", AspectRatio = ratio, Resolution = resolution }));
            }
        }
    }

    [Fact]
    public void UnknownModel_IsTheRequestPart_BeforeTheCallbackPart()
    {
        var request = new VideoRequest { Model = "happyhorse-1.1/reference-to-video", Prompt = "p", CallbackUrl = "not a url" };

        Assert.Equal(
            "invalid request: model: value must be one of 'happyhorse-1.1/text-to-video', 'happyhorse-1.1/image-to-video'; " +
            "invalid callback.url: value must be an absolute http or https URL",
            MessageFor(request));
    }

    [Fact]
    public void CallbackPart_ComesAfterTheInputPart()
    {
        var request = new VideoRequest { Prompt = "p", Duration = 1, CallbackUrl = "ftp://hooks.test/x" };

        Assert.Equal(
            "invalid input: duration: minimum: got 1, want 3; invalid callback.url: value must be an absolute http or https URL",
            MessageFor(request));
    }

    [Theory]
    [InlineData("https://hooks.example.com/hiapi")]
    [InlineData("http://localhost:8080/hook")]
    [InlineData("http://127.0.0.1:5000/hook")]
    [InlineData("http://127.10.20.30/hook")]
    [InlineData("http://[::1]:5000/hook")]
    public void CallbackUrl_HttpsOrLoopbackHttp_IsAccepted(string url) =>
        Assert.Empty(RequestValidator.Validate(new VideoRequest { Prompt = "p", CallbackUrl = url }));

    [Theory]
    [InlineData("http://hooks.example.com/hiapi")]
    [InlineData("http://10.0.0.5/hook")]
    [InlineData("http://128.0.0.1/hook")]
    public void CallbackUrl_PlainHttpToANetworkHost_IsRefusedByTheClient(string url)
    {
        var errors = RequestValidator.Validate(new VideoRequest { Prompt = "p", CallbackUrl = url });

        var error = Assert.Single(errors);
        Assert.Equal("callback.url", error.Field);
        Assert.Equal(
            "invalid callback.url: must be https (http is allowed only for a loopback host)",
            RequestValidator.FormatMessage(errors));
    }

    [Fact]
    public void ValidRequests_HaveNoErrors_AndNoMessage()
    {
        var errors = RequestValidator.Validate(new VideoRequest
        {
            Prompt = "a paper plane over neon Tokyo",
            AspectRatio = "16:9",
            Resolution = "1080p",
            Duration = 8,
            CallbackUrl = "https://example.com/hooks/hiapi",
        });

        Assert.Empty(errors);
        Assert.Null(RequestValidator.FormatMessage(errors));
    }

    [Fact]
    public void ThrowIfInvalid_ThrowsTheSameErrorA400WouldGive()
    {
        var exception = Assert.Throws<HiApiException>(() =>
            RequestValidator.ThrowIfInvalid(new VideoRequest { Prompt = "p", AspectRatio = "2:1", Duration = 99 }));

        Assert.Equal(HiApiErrorKind.InvalidRequest, exception.Kind);
        Assert.Null(exception.StatusCode);
        Assert.Equal("INVALID_REQUEST", exception.ErrorCode);
        Assert.Equal("invalid input: " + AspectRatioEnum + "; duration: maximum: got 99, want 15", exception.Message);
        Assert.Equal(new[] { "aspect_ratio", "duration" }, exception.FieldErrors.Select(e => e.Field));
        Assert.False(exception.TaskMayHaveBeenCreated);
    }

    [Fact]
    public void ThrowIfInvalid_DoesNothingForAValidRequest() =>
        RequestValidator.ThrowIfInvalid(new VideoRequest { Model = HiApiModels.ImageToVideo, ImageUrl = "https://example.com/a.jpg" });

    [Theory]
    [InlineData("invalid input: aspect_ratio: value must be one of '16:9', '9:16', '3:4', '4:3', '4:5', '5:4', '1:1', '9:21', '21:9'; resolution: value must be one of '720p', '1080p'; duration: maximum: got 99, want 15")]
    [InlineData("invalid input: image_urls: missing required field \"image_urls\"")]
    [InlineData("invalid input: duration: minimum: got 2, want 3; additional properties 'aspect_ratio' not allowed")]
    [InlineData("invalid request: model: value must be one of 'happyhorse-1.1/text-to-video', 'happyhorse-1.1/image-to-video'; invalid callback.url: value must be an absolute http or https URL")]
    public void ParseMessage_IsTheInverseOfFormatMessage(string message)
    {
        var parsed = RequestValidator.ParseMessage(message);

        Assert.Equal(message, RequestValidator.FormatMessage(parsed));
    }

    [Fact]
    public void ParseMessage_ReadsTextsATypedRequestCannotProduce()
    {
        var parsed = RequestValidator.ParseMessage(
            "invalid input: image_urls: maxItems: got 2, want 1; additional properties 'seed' not allowed; additional properties 'identity_preserving' not allowed");

        Assert.Collection(
            parsed,
            e => Assert.Equal(("image_urls", "maxItems: got 2, want 1"), (e.Field, e.Message)),
            e => Assert.Equal(("seed", "additional properties 'seed' not allowed"), (e.Field, e.Message)),
            e => Assert.Equal(("identity_preserving", "additional properties 'identity_preserving' not allowed"), (e.Field, e.Message)));

        var when = Assert.Single(RequestValidator.ParseMessage("invalid callback.when: only 'final' is supported"));
        Assert.Equal(("callback.when", "only 'final' is supported"), (when.Field, when.Message));
        Assert.Equal("image_urls: minItems: got 0, want 1", Assert.Single(RequestValidator.ParseMessage("invalid input: image_urls: minItems: got 0, want 1")).ToString());
    }
}
