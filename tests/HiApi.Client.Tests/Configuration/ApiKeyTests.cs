namespace HiApi.Client.Tests;

public sealed class ApiKeyTests
{
    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void ExplicitKey_WinsOverBothVariables()
    {
        var key = ApiKey.Resolve("sk-explicit", Environment(("HIAPI_API_KEY", "sk-primary"), ("HIAPI_KEY", "sk-secondary")));

        Assert.Equal("sk-explicit", key.Reveal());
    }

    [Fact]
    public void HiApiApiKey_WinsOverHiApiKey()
    {
        var key = ApiKey.Resolve(null, Environment(("HIAPI_API_KEY", "sk-primary"), ("HIAPI_KEY", "sk-secondary")));

        Assert.Equal("sk-primary", key.Reveal());
    }

    [Fact]
    public void HiApiKey_IsTheLastResort()
    {
        var key = ApiKey.Resolve(null, Environment(("HIAPI_API_KEY", ""), ("HIAPI_KEY", "sk-secondary")));

        Assert.Equal("sk-secondary", key.Reveal());
    }

    [Fact]
    public void NoKeyAnywhere_IsAConfigurationErrorNamingTheParameterAndBothVariables()
    {
        var exception = Assert.Throws<HiApiException>(() => ApiKey.Resolve(null, Environment()));

        Assert.Equal(HiApiErrorKind.Configuration, exception.Kind);
        Assert.Contains("-ApiKey", exception.Message);
        Assert.Contains("HIAPI_API_KEY", exception.Message);
        Assert.Contains("HIAPI_KEY", exception.Message);
        Assert.Null(exception.StatusCode);
    }

    [Fact]
    public void TrailingNewline_FromAFile_IsTrimmed() =>
        Assert.Equal("sk-abc", new ApiKey("sk-abc\n").Reveal());

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void BlankKey_IsRejected(string value) =>
        Assert.Throws<ArgumentException>(() => new ApiKey(value));

    [Theory]
    [InlineData("sk-with space-secret")]
    [InlineData("sk-new\nline-secret")]
    [InlineData("sk-ünïcode-secret")]
    public void KeyThatCannotBeAHeader_IsRejectedWithoutQuotingIt(string value)
    {
        var exception = Assert.Throws<HiApiException>(() => ApiKey.Resolve(value, Environment()));

        Assert.Equal(HiApiErrorKind.Configuration, exception.Kind);
        Assert.DoesNotContain("secret", exception.Message);
    }

    [Theory]
    [InlineData("sk-secret-first\r\nsk-secret-second", "a line break")]
    [InlineData("sk-secret-first\nsk-secret-second", "a line break")]
    [InlineData("sk-secret-first\tsecond", "a control character")]
    [InlineData("sk-secret-first\u00a0second", "a space")]
    [InlineData("sk-secret-first\u2026", "a non-ASCII character")]
    public void AKeyWithABadCharacterInside_IsAPlainConfigurationError_NamingItsSourceButNotTheKey(string value, string what)
    {
        foreach (var (explicitKey, environment, source) in new[]
        {
            (value, Environment(("HIAPI_API_KEY", "sk-good")), "-ApiKey"),
            (null, Environment(("HIAPI_API_KEY", value), ("HIAPI_KEY", "sk-good")), "HIAPI_API_KEY"),
            (null, Environment(("HIAPI_KEY", value)), "HIAPI_KEY"),
        })
        {
            var exception = Assert.Throws<HiApiException>(() => ApiKey.Resolve(explicitKey, environment));

            Assert.Equal(HiApiErrorKind.Configuration, exception.Kind);
            Assert.Null(exception.InnerException);
            Assert.StartsWith($"The API key from {source} holds {what} inside it", exception.Message);
            Assert.DoesNotContain("secret", exception.Message);
            Assert.DoesNotContain("(Parameter", exception.Message);
        }
    }

    [Theory]
    [InlineData(" sk-abc\r\n")]
    [InlineData("\tsk-abc  ")]
    [InlineData("sk-abc\n\n")]
    public void WhiteSpaceAroundTheKey_IsTrimmed(string value) =>
        Assert.Equal("sk-abc", ApiKey.Resolve(value, Environment()).Reveal());

    [Theory]
    [InlineData("")]
    [InlineData(" \r\n")]
    public void ABlankApiKeyParameter_IsAnError_NotAFallBackToAnotherKey(string value)
    {
        var exception = Assert.Throws<HiApiException>(() => ApiKey.Resolve(value, Environment(("HIAPI_API_KEY", "sk-someone-else"))));

        Assert.Equal(HiApiErrorKind.Configuration, exception.Kind);
        Assert.StartsWith("The API key from -ApiKey is empty", exception.Message);
    }

    [Fact]
    public void AVariableHoldingOnlyWhiteSpace_IsAnError_NotAFallBackToTheOtherVariable()
    {
        var exception = Assert.Throws<HiApiException>(() => ApiKey.Resolve(null, Environment(("HIAPI_API_KEY", "\n"), ("HIAPI_KEY", "sk-someone-else"))));

        Assert.StartsWith("The API key from HIAPI_API_KEY is empty", exception.Message);
    }

    [Fact]
    public void ToString_IsRedacted()
    {
        var key = new ApiKey("sk-live-0123456789abcdef");

        Assert.Equal("ApiKey(sk-...redacted)", key.ToString());
        Assert.DoesNotContain("0123456789abcdef", $"{key}");
    }

    [Fact]
    public void TheValue_HasNoPublicGetter()
    {
        var publicMembers = typeof(ApiKey).GetProperties().Select(p => p.Name)
            .Concat(typeof(ApiKey).GetMethods().Where(m => m.DeclaringType == typeof(ApiKey)).Select(m => m.Name));

        Assert.DoesNotContain("Reveal", publicMembers);
        Assert.DoesNotContain("Value", publicMembers);
    }

    [Fact]
    public void Redact_RemovesTheKeyFromForeignText()
    {
        var key = new ApiKey("sk-live-0123456789abcdef");

        Assert.Equal("echo: Bearer sk-...redacted", key.Redactor.Redact("echo: Bearer sk-live-0123456789abcdef"));
    }
}
