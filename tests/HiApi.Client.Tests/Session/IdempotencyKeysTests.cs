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
}
