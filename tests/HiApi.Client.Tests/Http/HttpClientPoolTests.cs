namespace HiApi.Client.Tests;

public sealed class HttpClientPoolTests
{
    [Fact]
    public void SameSchemeHostAndPort_ShareOneClient()
    {
        var first = HttpClientPool.For(new Uri("https://pool-a.example.test/"));
        var second = HttpClientPool.For(new Uri("https://POOL-A.example.test:443/v1/"));

        Assert.Same(first, second);
        Assert.Equal(Timeout.InfiniteTimeSpan, first.Timeout);
    }

    [Fact]
    public void AnotherPortOrScheme_GetsItsOwnClient()
    {
        var https = HttpClientPool.For(new Uri("https://pool-b.example.test/"));

        Assert.NotSame(https, HttpClientPool.For(new Uri("https://pool-b.example.test:8443/")));
        Assert.NotSame(https, HttpClientPool.For(new Uri("http://pool-b.example.test/")));
    }

    [Fact]
    public void DownloadClients_AreSeparateFromApiClients()
    {
        var uri = new Uri("https://pool-c.example.test/");

        Assert.NotSame(HttpClientPool.For(uri), HttpClientPool.ForDownload(uri));
        Assert.Same(HttpClientPool.ForDownload(uri), HttpClientPool.ForDownload(new Uri("https://pool-c.example.test/other.mp4")));
    }

    [Fact]
    public void ClientsBuiltFromOptions_ReuseThePool()
    {
        var options = new HiApiClientOptions { BaseUri = new Uri("https://pool-d.example.test"), ApiKey = new ApiKey("sk-x") };

        var client = new HiApiClient(options);

        Assert.Equal(new Uri("https://pool-d.example.test/"), client.BaseUri);
        Assert.Same(HttpClientPool.For(client.BaseUri), HttpClientPool.For(new Uri("https://pool-d.example.test/")));
    }
}
