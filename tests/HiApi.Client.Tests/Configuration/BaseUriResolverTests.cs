namespace HiApi.Client.Tests;

public sealed class BaseUriResolverTests
{
    private static Func<string, string?> Environment(string? baseUrl) =>
        name => name == "HIAPI_BASE_URL" ? baseUrl : null;

    [Fact]
    public void NothingGiven_IsThePublicEndpoint() =>
        Assert.Equal(new Uri("https://api.hiapi.ai/"), BaseUriResolver.Resolve(null, Environment(null)));

    [Fact]
    public void ExplicitUri_WinsOverTheVariable() =>
        Assert.Equal(new Uri("https://a.example.com/"), BaseUriResolver.Resolve("https://a.example.com", Environment("https://b.example.com")));

    [Fact]
    public void Variable_IsUsedWhenNoParameter() =>
        Assert.Equal(new Uri("https://b.example.com/"), BaseUriResolver.Resolve(" ", Environment("https://b.example.com")));

    [Fact]
    public void APathPrefix_KeepsATrailingSlash() =>
        Assert.Equal(new Uri("https://proxy.example.com/hiapi/"), BaseUriResolver.Resolve("https://proxy.example.com/hiapi", Environment(null)));

    [Theory]
    [InlineData("https://api.hiapi.ai/v1", "https://api.hiapi.ai/")]
    [InlineData("https://api.hiapi.ai/v1/", "https://api.hiapi.ai/")]
    [InlineData("https://api.hiapi.ai/V1//", "https://api.hiapi.ai/")]
    [InlineData("http://127.0.0.1:5080/v1", "http://127.0.0.1:5080/")]
    [InlineData("https://gateway.example.com/hiapi/v1/", "https://gateway.example.com/hiapi/")]
    [InlineData("https://gateway.example.com/hiapiv1", "https://gateway.example.com/hiapiv1/")]
    [InlineData("https://gateway.example.com/v1/hiapi", "https://gateway.example.com/v1/hiapi/")]
    public void ABaseUri_EndingInTheVersionSegment_MeansTheRoot(string given, string expected)
    {
        // The SDKs' base URL includes /v1; kept, every request would go to /v1/v1/tasks.
        Assert.Equal(new Uri(expected), BaseUriResolver.Resolve(given, Environment(null)));
        Assert.Equal(new Uri(expected), BaseUriResolver.Resolve(null, Environment(given)));
    }

    [Fact]
    public async Task AClient_GivenTheSdkBaseUrl_RequestsV1TasksOnce()
    {
        var handler = FakeHttpHandler.Sequence(() => FakeHttpHandler.Json(200, ApiJson.Task("tk-1", "queued")));
        var client = new HiApiClient(new HiApiClientOptions { BaseUri = new Uri("https://api.example.test/v1"), ApiKey = new ApiKey("sk-x") }, handler);

        await client.GetTaskAsync("tk-1");

        Assert.Equal("/v1/tasks/tk-1", Assert.Single(handler.Requests).Uri.AbsolutePath);
    }

    [Theory]
    [InlineData("http://localhost:5000")]
    [InlineData("http://127.0.0.1:41234/")]
    [InlineData("http://127.1.2.3")]
    [InlineData("http://[::1]:8080")]
    public void PlainHttp_ToALoopbackHost_IsAllowed(string uri) =>
        Assert.Equal("http", BaseUriResolver.Resolve(uri, Environment(null)).Scheme);

    [Theory]
    [InlineData("http://api.hiapi.ai")]
    [InlineData("http://192.168.1.10:5000")]
    [InlineData("http://localhost.example.com")]
    public void PlainHttp_ToANetworkHost_IsRefusedBecauseTheKeyWouldTravelInClear(string uri)
    {
        var exception = Assert.Throws<HiApiException>(() => BaseUriResolver.Resolve(uri, Environment(null)));

        Assert.Equal(HiApiErrorKind.Configuration, exception.Kind);
        Assert.Contains("in clear", exception.Message);
    }

    [Fact]
    public void TheVariable_IsCheckedToo()
    {
        var exception = Assert.Throws<HiApiException>(() => BaseUriResolver.Resolve(null, Environment("http://evil.example.com")));

        Assert.Contains("HIAPI_BASE_URL", exception.Message);
    }

    [Theory]
    [InlineData("api.hiapi.ai")]
    [InlineData("ftp://api.hiapi.ai")]
    [InlineData("/v1")]
    public void NotAnAbsoluteHttpUrl_IsRefused(string uri) =>
        Assert.Equal(HiApiErrorKind.Configuration, Assert.Throws<HiApiException>(() => BaseUriResolver.Resolve(uri, Environment(null))).Kind);

    [Fact]
    public void Credentials_InTheUri_AreRefusedWithoutBeingEchoed()
    {
        var exception = Assert.Throws<HiApiException>(() => BaseUriResolver.Resolve("https://user:hunter2@api.example.com", Environment(null)));

        Assert.DoesNotContain("hunter2", exception.Message);
    }

    [Fact]
    public void TheClient_RefusesPlainHttpOptionsBuiltByHand()
    {
        var exception = Assert.Throws<HiApiException>(() => new HiApiClient(new HiApiClientOptions
        {
            BaseUri = new Uri("http://api.example.com/"),
            ApiKey = new ApiKey("sk-x"),
        }));

        Assert.Equal(HiApiErrorKind.Configuration, exception.Kind);
    }
}
