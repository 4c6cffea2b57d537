namespace HiApi.Client.Tests;

/// <summary>Work that needs no key (the public price list, the keyless part of a connection check) asks for it optionally.</summary>
public sealed class ApiKeyResolveOptionalTests
{
    [Fact]
    public void No_key_anywhere_is_null_not_an_error()
    {
        Assert.Null(ApiKey.ResolveOptional(null, _ => null));
        Assert.Null(ApiKey.ResolveOptional(null, _ => ""));
    }

    [Fact]
    public void A_blank_key_given_is_an_error_not_a_fall_back_to_the_next_source()
    {
        var error = Assert.Throws<HiApiException>(() => ApiKey.ResolveOptional("  ", _ => "sk-env-0123456789"));
        Assert.Equal(HiApiErrorKind.Configuration, error.Kind);
        Assert.Contains("-ApiKey", error.Message);
    }

    [Fact]
    public void A_given_key_is_found_in_the_same_order_as_Resolve()
    {
        var fromSecondVariable = ApiKey.ResolveOptional(null, name => name == ApiKey.SecondaryEnvironmentVariable ? "sk-second-0123456789" : null);
        Assert.NotNull(fromSecondVariable);
        Assert.Equal("sk-second-0123456789", fromSecondVariable!.Reveal());
        Assert.Equal("sk-explicit-0123456789", ApiKey.ResolveOptional("sk-explicit-0123456789", _ => "sk-env-0123456789")!.Reveal());
    }

    [Fact]
    public void A_given_key_that_cannot_be_sent_is_still_a_configuration_error()
    {
        var error = Assert.Throws<HiApiException>(() => ApiKey.ResolveOptional("sk has spaces", _ => null));
        Assert.Equal(HiApiErrorKind.Configuration, error.Kind);
        Assert.DoesNotContain("sk has spaces", error.Message);
    }

    [Fact]
    public void Resolve_still_names_both_variables_when_there_is_no_key()
    {
        var error = Assert.Throws<HiApiException>(() => ApiKey.Resolve(null, _ => null));
        Assert.Contains("HIAPI_API_KEY", error.Message);
        Assert.Contains("HIAPI_KEY", error.Message);
    }
}
