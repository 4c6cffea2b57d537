namespace HiApi.Client.Tests;

/// <summary>Keys are decided before anything is sent and derived, never random: same batch, request and occurrence, same key.</summary>
public sealed class IdempotencyKeysTests
{
    private static readonly VideoRequest Gull = new() { Prompt = "gull over the pier", Duration = 3 };

    [Fact]
    public void The_same_batch_request_and_occurrence_give_the_same_key_anywhere()
    {
        var key = IdempotencyKeys.Derive("storyboard-v3", Gull, 1);

        Assert.Equal(key, IdempotencyKeys.Derive("storyboard-v3", new VideoRequest { Prompt = "gull over the pier", Duration = 3 }, 1));
        // The documented format: hv1.<first 40 hex of SHA-256(batch, 0x00, body)>.<occurrence>
        var expected = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(
            [.. System.Text.Encoding.UTF8.GetBytes("storyboard-v3"), 0, .. System.Text.Encoding.UTF8.GetBytes(Gull.BodyText)]))[..40].ToLowerInvariant();
        Assert.Equal($"hv1.{expected}.1", key);
    }

    [Fact]
    public void Another_batch_occurrence_attempt_or_request_gives_another_key()
    {
        var keys = new[]
        {
            IdempotencyKeys.Derive("a", Gull, 1),
            IdempotencyKeys.Derive("b", Gull, 1),
            IdempotencyKeys.Derive("a", Gull, 2),
            IdempotencyKeys.Derive("a", Gull, 1, attempt: 2),
            IdempotencyKeys.Derive("a", new VideoRequest { Prompt = "gull over the pier", Duration = 4 }, 1),
            IdempotencyKeys.Derive("A", Gull, 1),
        };

        Assert.Equal(keys.Length, keys.Distinct(StringComparer.Ordinal).Count());
        Assert.EndsWith(".1.2", keys[3]);
    }

    [Fact]
    public void Every_key_is_a_short_printable_ascii_header_whatever_the_batch_name()
    {
        var key = IdempotencyKeys.Derive("Szene 12 – Möwe 🐦 " + new string('x', 180), Gull, 123_456, attempt: 99);

        Assert.InRange(key.Length, 1, 80);
        Assert.All(key, c => Assert.InRange(c, '!', '~'));
        RequestValidator.ThrowIfInvalid(Gull, idempotencyKey: key);
    }

    [Theory]
    [InlineData("", "must not be empty")]
    [InlineData("  ", "must not be empty")]
    [InlineData(" padded", "white space")]
    [InlineData("tab\there", "printable")]
    [InlineData("cut \ud83d", "printable")]
    public void A_batch_name_that_cannot_name_a_batch_says_why(string name, string why) =>
        Assert.Contains(why, IdempotencyKeys.CheckBatchName(name));

    [Fact]
    public void A_run_without_a_name_gets_a_new_one_each_time()
    {
        var now = DateTimeOffset.UtcNow;
        Assert.NotEqual(IdempotencyKeys.NewBatchName(now), IdempotencyKeys.NewBatchName(now));
        Assert.Null(IdempotencyKeys.CheckBatchName(IdempotencyKeys.NewBatchName(now)));
    }

    // Pinned bytes and keys. A key is SHA-256 over the body's exact bytes: a change to the serializer (property order,
    // escaping, a field written when null) changes every key, and every user's re-run of a batch then creates and pays for
    // each task again instead of getting it back. Changing an expected value below means exactly that: do it only with a
    // plan for the keys already in users' ledgers.

    [Fact]
    public void A_text_to_video_request_built_as_the_cmdlet_builds_it_has_these_exact_bytes_and_key()
    {
        // As New-HiApiVideoTask builds it: the model from the inputs, then the normalizer (case of enums).
        var request = RequestNormalizer.Normalize(new VideoRequest
        {
            Model = HiApiModels.TextToVideo,
            Prompt = "a lighthouse at dawn, waves below",
            AspectRatio = "16:9",
            Resolution = "720P",
            Duration = 5,
        });

        Assert.Equal(
            """{"model":"happyhorse-1.1/text-to-video","input":{"prompt":"a lighthouse at dawn, waves below","aspect_ratio":"16:9","resolution":"720p","duration":5}}""",
            request.BodyText);
        Assert.Equal("hv1.d954c58fccf9733df9edc0ad08ed1aa1f1e6abd0.1", IdempotencyKeys.Derive("storyboard", request, 1));
    }

    [Fact]
    public void An_image_to_video_request_built_as_the_cmdlet_builds_it_has_these_exact_bytes_and_key()
    {
        var request = RequestNormalizer.Normalize(new VideoRequest
        {
            Model = HiApiModels.ImageToVideo,
            Prompt = "the gull takes off \u00e9t\u00e9 \"quoted\" <b>",
            ImageUrl = "https://example.com/gull.png?size=large&v=2",
            Resolution = "1080p",
            Duration = 3,
            CallbackUrl = "https://hooks.example.com/hiapi",
        });

        // The serializer's escaping is part of the bytes: non-ASCII, quotes, '<' and '&' are written as \uXXXX.
        Assert.Equal(
            """{"model":"happyhorse-1.1/image-to-video","input":{"image_urls":["https://example.com/gull.png?size=large\u0026v=2"],"prompt":"the gull takes off \u00E9t\u00E9 \u0022quoted\u0022 \u003Cb\u003E","resolution":"1080p","duration":3},"callback":{"url":"https://hooks.example.com/hiapi","when":"final"}}""",
            request.BodyText);
        Assert.Equal("hv1.6761b3a072c714ad10023e8e46aff975434dbcd8.1", IdempotencyKeys.Derive("storyboard", request, 1));
    }
}
