using System.Text;

namespace HiApi.Client.Tests;

/// <summary>
/// The signing scheme of the contract ("Beyond the seeds"). The vectors were computed outside .NET, with OpenSSL:
/// <code>printf '%s' '1783000000.&lt;body&gt;' | openssl dgst -sha256 -hmac 'whsec_test_key'</code>
/// </summary>
public sealed class CallbackSignatureTests
{
    private const string Key = "whsec_test_key";
    private const string Timestamp = "1783000000";

    private const string Body =
        """{"code":200,"data":{"taskId":"tk-hiapi-01KW3DSIGNED0000000000000","status":"success","output":[{"type":"video","url":"https://temp.hiapi.ai/s/01KW.mp4","expireAt":1783131245}]},"message":"success"}""";

    private const string BodySignature = "1d5e5d54f16b3dd81402cda8a2934d2caae9b841955eaf321e08e09e24d25bd2";

    /// <summary>Spacing that re-serialised JSON would not keep: the signature is over the bytes, not the JSON.</summary>
    private const string OddlySpacedBody = """{"taskId":"tk-1",  "model":"m", "status":"success","output":[{"url":"https://cdn/x.mp4","type":"video","expireAt":1}]}""";

    private const string OddlySpacedSignature = "bc008b408ed16edc3bd7d4decd25ef1859276519d7f8181d89afdf91570cbbce";

    private const string Utf8Body = """{"taskId":"tk-hiapi-UTF8","status":"success","prompt":"café ☕"}""";
    private const string Utf8Signature = "1700c56f436834505f5bfdf1fbd1fce1d1dd8cf7f3f9e6f6b2513c45719a3e65";

    private static readonly WebhookSecret Secret = new(Key);
    private static readonly DateTimeOffset SignedAt = DateTimeOffset.FromUnixTimeSeconds(1783000000);

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [Theory]
    [InlineData(Body, BodySignature)]
    [InlineData(OddlySpacedBody, OddlySpacedSignature)]
    [InlineData(Utf8Body, Utf8Signature)]
    public void Compute_MatchesOpenSsl(string body, string expected) =>
        Assert.Equal(expected, CallbackSignature.Compute(Secret, Timestamp, Bytes(body)));

    [Theory]
    [InlineData(Body, BodySignature)]
    [InlineData(OddlySpacedBody, OddlySpacedSignature)]
    [InlineData(Utf8Body, Utf8Signature)]
    public void KnownVector_Verifies(string body, string signature)
    {
        Assert.True(CallbackSignature.TryVerify(Secret, Timestamp, signature, Bytes(body), SignedAt, out var problem), problem);
        Assert.Null(problem);
    }

    [Fact]
    public void UpperCaseHex_AndSurroundingSpace_StillVerify() =>
        Assert.True(CallbackSignature.TryVerify(Secret, Timestamp, " " + BodySignature.ToUpperInvariant() + " ", Bytes(Body), SignedAt, out _));

    [Fact]
    public void ReSerialisedJson_DoesNotVerify()
    {
        var reserialised = System.Text.Json.JsonSerializer.Serialize(System.Text.Json.JsonDocument.Parse(OddlySpacedBody).RootElement);
        Assert.NotEqual(OddlySpacedBody, reserialised);

        Assert.False(CallbackSignature.TryVerify(Secret, Timestamp, OddlySpacedSignature, Bytes(reserialised), SignedAt, out var problem));
        Assert.Contains("does not match", problem);
    }

    [Theory]
    [InlineData("tk-hiapi-01KW3DSIGNED0000000000000", "tk-hiapi-01KW3DSIGNED0000000000001")] // another task
    [InlineData("https://temp.hiapi.ai/s/01KW.mp4", "https://evil.example/s/01KW.mp4")] // another URL
    [InlineData("\"success\"", "\"success\" ")] // one space
    public void TamperedBody_IsRejected(string original, string replacement)
    {
        var tampered = Body.Replace(original, replacement, StringComparison.Ordinal);
        Assert.NotEqual(Body, tampered);

        Assert.False(CallbackSignature.TryVerify(Secret, Timestamp, BodySignature, Bytes(tampered), SignedAt, out var problem));
        Assert.Contains("does not match", problem);
    }

    [Fact]
    public void AnotherTimestamp_OrAnotherKey_IsRejected()
    {
        Assert.False(CallbackSignature.TryVerify(Secret, "1783000001", BodySignature, Bytes(Body), SignedAt, out _));
        Assert.False(CallbackSignature.TryVerify(new WebhookSecret("whsec_other_key"), Timestamp, BodySignature, Bytes(Body), SignedAt, out _));
    }

    [Theory]
    [InlineData(-300, true)]
    [InlineData(300, true)]
    [InlineData(-301, false)]
    [InlineData(301, false)]
    [InlineData(-86400, false)]
    [InlineData(86400, false)]
    public void Timestamp_MoreThan300SecondsFromTheClock_EitherWay_IsRejected(int clockOffsetSeconds, bool accepted)
    {
        var now = SignedAt.AddSeconds(clockOffsetSeconds);

        var verified = CallbackSignature.TryVerify(Secret, Timestamp, BodySignature, Bytes(Body), now, out var problem);

        Assert.Equal(accepted, verified);
        if (!accepted)
        {
            Assert.Contains($"{Math.Abs(clockOffsetSeconds)} s away", problem);
        }
    }

    [Fact]
    public void AStaleCallback_IsRejected_EvenWithACorrectSignatureForItsTimestamp()
    {
        // A replay: a callback captured an hour ago, signed correctly for its own timestamp.
        var old = SignedAt.AddHours(-1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = CallbackSignature.Compute(Secret, old, Bytes(Body));

        Assert.False(CallbackSignature.TryVerify(Secret, old, signature, Bytes(Body), SignedAt, out var problem));
        Assert.Contains("replay", problem);
    }

    [Theory]
    [InlineData(null, BodySignature, "no X-HiAPI-Timestamp")]
    [InlineData(Timestamp, null, "no X-HiAPI-Signature")]
    [InlineData("", BodySignature, "no X-HiAPI-Timestamp")]
    [InlineData(Timestamp, " ", "no X-HiAPI-Signature")]
    [InlineData("1783000000.0", BodySignature, "not Unix seconds")]
    [InlineData("-1783000000", BodySignature, "not Unix seconds")]
    [InlineData("2026-06-01T12:00:00Z", BodySignature, "not Unix seconds")]
    [InlineData(Timestamp, "sha256=" + BodySignature, "not 64 hexadecimal digits")]
    [InlineData(Timestamp, "1d5e5d54", "not 64 hexadecimal digits")]
    [InlineData(Timestamp, "zz5e5d54f16b3dd81402cda8a2934d2caae9b841955eaf321e08e09e24d25bd2", "not 64 hexadecimal digits")]
    public void MissingOrMalformedHeaders_AreRejected(string? timestamp, string? signature, string expectedProblem)
    {
        Assert.False(CallbackSignature.TryVerify(Secret, timestamp, signature, Bytes(Body), SignedAt, out var problem));
        Assert.Contains(expectedProblem, problem);
    }

    /// <summary>
    /// The constant-time path: a guess wrong in its first digit and one wrong only in its last are rejected the same
    /// way (the whole signature is decoded, then compared with FixedTimeEquals), so nothing, neither the answer nor an
    /// early exit, tells a forger how much of a guess was right.
    /// </summary>
    [Fact]
    public void AWrongDigit_AnywhereInTheSignature_TakesTheSamePath()
    {
        var problems = new HashSet<string>();
        for (var position = 0; position < BodySignature.Length; position++)
        {
            var wrong = BodySignature.ToCharArray();
            wrong[position] = wrong[position] == '0' ? '1' : '0';

            Assert.False(CallbackSignature.TryVerify(Secret, Timestamp, new string(wrong), Bytes(Body), SignedAt, out var problem));
            problems.Add(problem!);
        }

        Assert.Single(problems);
    }

    [Fact]
    public void AnInvalidCharacter_AnywhereInTheSignature_TakesTheSamePath()
    {
        var problems = new HashSet<string>();
        for (var position = 0; position < BodySignature.Length; position++)
        {
            var wrong = BodySignature.ToCharArray();
            wrong[position] = 'g';

            Assert.False(CallbackSignature.TryVerify(Secret, Timestamp, new string(wrong), Bytes(Body), SignedAt, out var problem));
            problems.Add(problem!);
        }

        Assert.Single(problems);
    }

    [Fact]
    public void Verify_ThrowsInvalidSignature_NamingTheTask_WithoutTheKeyOrTheExpectedSignature()
    {
        var error = Assert.Throws<HiApiException>(() =>
            CallbackSignature.Verify(Secret, Timestamp, new string('0', 64), Bytes(Body), SignedAt, "tk-hiapi-01KW3DSIGNED0000000000000"));

        Assert.Equal(HiApiErrorKind.InvalidSignature, error.Kind);
        Assert.Equal("tk-hiapi-01KW3DSIGNED0000000000000", error.TaskId);
        Assert.Contains("tk-hiapi-01KW3DSIGNED0000000000000", error.Message);
        Assert.DoesNotContain(Key, error.ToString());
        Assert.DoesNotContain(BodySignature, error.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void NoProblemText_QuotesTheKeyOrTheExpectedSignature()
    {
        var attempts = new (string? Timestamp, string? Signature, DateTimeOffset Now)[]
        {
            (Timestamp, new string('a', 64), SignedAt),
            (Timestamp, "nonsense", SignedAt),
            ("1", BodySignature, SignedAt),
            (null, null, SignedAt),
        };

        foreach (var (timestamp, signature, now) in attempts)
        {
            CallbackSignature.TryVerify(Secret, timestamp, signature, Bytes(Body), now, out var problem);
            Assert.DoesNotContain(Key, problem);
            Assert.DoesNotContain(BodySignature, problem!, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void TheSecret_NeverShowsInItsText()
    {
        Assert.Equal("WebhookSecret(redacted)", Secret.ToString());
        Assert.DoesNotContain(Key, $"{Secret}");
    }

    [Fact]
    public void Resolve_PrefersTheParameter_ThenTheEnvironment_ElseNone()
    {
        var environment = new Dictionary<string, string?> { [WebhookSecret.EnvironmentVariable] = "whsec_other_key" };

        var fromParameter = WebhookSecret.Resolve(Key, name => environment.GetValueOrDefault(name));
        var fromEnvironment = WebhookSecret.Resolve(null, name => environment.GetValueOrDefault(name));
        var none = WebhookSecret.Resolve(null, _ => null);

        Assert.Equal(BodySignature, CallbackSignature.Compute(fromParameter!, Timestamp, Bytes(Body)));
        Assert.NotEqual(BodySignature, CallbackSignature.Compute(fromEnvironment!, Timestamp, Bytes(Body)));
        Assert.Null(none);
    }

    [Fact]
    public void Resolve_TrimsAPastedNewline() =>
        Assert.Equal(BodySignature, CallbackSignature.Compute(WebhookSecret.Resolve(Key + "\n")!, Timestamp, Bytes(Body)));

    [Fact]
    public void Resolve_RefusesALineBreakInside_FromTheParameterOrTheVariable_WithoutQuotingTheKey()
    {
        var fromParameter = Assert.Throws<HiApiException>(() => WebhookSecret.Resolve("whsec_first\r\nwhsec_second", _ => null));
        var fromVariable = Assert.Throws<HiApiException>(() => WebhookSecret.Resolve(null, _ => "whsec_first\nwhsec_second"));

        Assert.Equal(HiApiErrorKind.Configuration, fromParameter.Kind);
        Assert.Contains("-WebhookSecret", fromParameter.Message);
        Assert.Equal(HiApiErrorKind.Configuration, fromVariable.Kind);
        Assert.Contains(WebhookSecret.EnvironmentVariable, fromVariable.Message);
        Assert.All(new[] { fromParameter, fromVariable }, error => Assert.DoesNotContain("whsec", error.Message));
    }

    [Fact]
    public void Resolve_RefusesAnEmptyParameter_InsteadOfFallingBackToUnsigned()
    {
        var error = Assert.Throws<HiApiException>(() => WebhookSecret.Resolve(" ", _ => "whsec_from_environment"));

        Assert.Equal(HiApiErrorKind.Configuration, error.Kind);
        Assert.DoesNotContain("whsec_from_environment", error.Message);
    }
}
