namespace HiApi.Client.Tests;

/// <summary>
/// Text that cannot be sent as it was given is refused before sending, naming the field and the position: a lone
/// surrogate (a cut emoji) would go out as U+FFFD and never match its row again; U+FFFD is what a wrong decoding of a CSV
/// leaves; and URLs with a password or white space are refused, never rewritten (issue 15, case 5; issues 16 and 17).
/// </summary>
public sealed class UnsendableTextTests
{
    private static string? MessageFor(VideoRequest request) => RequestValidator.FormatMessage(RequestValidator.Validate(request));

    [Fact]
    public void A_prompt_cut_in_the_middle_of_an_emoji_is_refused_with_its_position()
    {
        var cut = "a gull 🐦 over the pier"[..8]; // "a gull " + the high surrogate of the bird

        var message = MessageFor(new VideoRequest { Prompt = cut, Duration = 3 });

        Assert.StartsWith("invalid input: prompt: holds an unpaired UTF-16 surrogate (U+D83D) at position 8", message);
    }

    [Fact]
    public void A_lone_low_surrogate_is_refused_too_and_a_whole_emoji_is_not()
    {
        Assert.Contains("unpaired UTF-16 surrogate (U+DC26) at position 2", MessageFor(new VideoRequest { Prompt = "a\udc26", Duration = 3 }));
        Assert.Null(MessageFor(new VideoRequest { Prompt = "a gull 🐦 over the pier", Duration = 3 }));
    }

    [Fact]
    public void A_prompt_holding_the_replacement_character_says_how_to_read_the_file()
    {
        var message = MessageFor(new VideoRequest { Prompt = "caf\uFFFD au lait", Duration = 3 });

        Assert.Contains("prompt: holds U+FFFD (a character that could not be decoded) at position 4", message);
        Assert.Contains("Import-Csv -Encoding ansi", message);
        Assert.Contains("CSV UTF-8", message);
    }

    [Fact]
    public void An_image_prompt_and_urls_are_checked_as_well()
    {
        var message = MessageFor(new VideoRequest
        {
            Model = HiApiModels.ImageToVideo,
            ImageUrl = "https://example.com/caf\uFFFD.jpg",
            Prompt = "x\ud83d",
            CallbackUrl = "https://hooks.example.com/\ud800",
        });

        Assert.Contains("image_urls/0: holds U+FFFD", message);
        Assert.Contains("prompt: holds an unpaired UTF-16 surrogate", message);
        Assert.Contains("invalid callback.url: holds an unpaired UTF-16 surrogate", message);
    }

    [Theory]
    [InlineData("https://alice:S3cretPw@example.com/still.jpg")]
    [InlineData("https://alice@example.com/still.jpg")]
    public void An_image_url_with_user_info_is_refused_and_never_quoted(string url)
    {
        var error = Assert.Throws<HiApiException>(() => RequestValidator.ThrowIfInvalid(new VideoRequest { Model = HiApiModels.ImageToVideo, ImageUrl = url }));

        Assert.Equal("invalid input: image_urls/0: must not hold a user name or password (user info): it would be sent to HiAPI and stored", error.Message);
        Assert.DoesNotContain("S3cretPw", error.ToString());
    }

    [Theory]
    [InlineData("https://example.com/my still.jpg")]
    [InlineData("https://example.com/still.jpg ")]
    [InlineData("https://example.com/a\tb.jpg")]
    public void A_url_with_white_space_is_refused_not_rewritten(string url) =>
        Assert.Equal("invalid input: image_urls/0: must not contain white space: encode a space in a URL as %20",
            MessageFor(new VideoRequest { Model = HiApiModels.ImageToVideo, ImageUrl = url }));

    [Fact]
    public void A_callback_url_with_user_info_is_refused()
    {
        Assert.Equal("invalid callback.url: must not hold a user name or password (user info): it would be sent to HiAPI and stored",
            MessageFor(new VideoRequest { Prompt = "p", CallbackUrl = "https://u:p@hooks.example.com/h" }));
    }
}
