using System.Net;
using HiApi.Emulator;
using HiApi.Tests.Shared;
using Xunit.Abstractions;

namespace HiApi.Client.Tests;

/// <summary>
/// A proxy the user configured (HTTP_PROXY, ALL_PROXY, HttpClient.DefaultProxy) must never receive a request to a
/// loopback API: plain http is allowed only there, so it would read the key in clear. An https API still goes through
/// the proxy, as a CONNECT tunnel in which the proxy sees the host and nothing else. The proxy here records every
/// request head that reaches it and answers 502. These tests change the process-wide default proxy, so they run alone.
/// </summary>
[Collection(NonParallelCollection.Name)]
public sealed class ProxyTests(ITestOutputHelper output)
{
    private const string Key = EmulatorHarness.Key;

    private static readonly RetryPolicy QuickRetries = new()
    {
        MaxRetries = 2,
        BaseDelay = TimeSpan.FromMilliseconds(10),
        MaxDelay = TimeSpan.FromMilliseconds(50),
    };

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    [InlineData("[::1]")]
    public async Task ADefaultProxy_IsNeverUsedForALoopbackApi_NorItsDownloads(string host)
    {
        await using var proxy = RecordingProxy();
        await using var emulator = await StartEmulatorAsync(host);
        if (emulator is null)
        {
            output.WriteLine("IPv6 loopback is not available on this machine: [::1] was checked by OnlyLoopbackHosts_SkipTheProxy alone.");
            return;
        }

        var saved = HttpClient.DefaultProxy;
        HttpClient.DefaultProxy = new WebProxy(proxy.BaseAddress);
        var folder = Directory.CreateTempSubdirectory("hiapi-proxy-").FullName;
        try
        {
            var client = new HiApiClient(new HiApiClientOptions
            {
                BaseUri = BaseUriResolver.Resolve($"http://{host}:{emulator.BaseAddress.Port}/", _ => null),
                ApiKey = new ApiKey(Key),
                RetryPolicy = QuickRetries,
            });

            var created = await client.CreateTaskAsync(new VideoRequest { Prompt = "no proxy for loopback", Duration = 3 });
            var finished = Assert.Single(await EmulatorHarness.WaitAllAsync(client, [created]));
            Assert.Equal(WaitEventKind.Succeeded, finished.Kind);
            var file = await new VideoDownloader().DownloadAsync(
                finished.Task, Path.Combine(folder, "video.mp4"), new DownloadOptions { RetryPolicy = QuickRetries });

            Assert.Empty(proxy.Requests);
            Assert.True(file.Length > 0);
            output.WriteLine($"{host}: {emulator.Requests.Count} requests went straight to the API, 0 to the proxy; video {file.Length} bytes");
        }
        finally
        {
            HttpClient.DefaultProxy = saved;
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("HTTP_PROXY")]
    [InlineData("http_proxy")]
    [InlineData("ALL_PROXY")]
    public async Task AnEnvironmentProxy_NeverReceivesTheKey_OfALoopbackApi(string variable)
    {
        await using var proxy = RecordingProxy();
        await using var harness = await EmulatorHarness.StartAsync();
        var environment = new Dictionary<string, string>
        {
            [variable] = proxy.BaseAddress.ToString(),
            // The machine's own exceptions must not make the test pass: only the module may skip the proxy.
            ["NO_PROXY"] = string.Empty,
            ["no_proxy"] = string.Empty,
            ["HIAPI_PROXY_TEST_KEY"] = Key,
        };

        using var worker = WorkerProcess.Start(
            environment,
            "submit-and-wait",
            "--base-uri", harness.Server.BaseAddress.ToString(),
            "--api-key-env", "HIAPI_PROXY_TEST_KEY",
            "--ledger", Path.Combine(harness.Directory, "ledger.jsonl"),
            "--count", "1",
            "--prefix", "behind-a-proxy",
            "--poll-ms", "50",
            "--out", Path.Combine(harness.Directory, "clips"));
        var exitCode = worker.WaitForExit(TimeSpan.FromSeconds(120));

        Assert.True(proxy.Requests.IsEmpty, $"the proxy received: {string.Join(" | ", proxy.Requests.Select(head => head.Split('\r')[0]))}");
        Assert.True(exitCode == 0, $"exit code {exitCode}; stdout: {string.Join(" | ", worker.OutputLines)}; stderr: {worker.ErrorText}");
        Assert.Contains(worker.OutputLines, line => line.StartsWith("saved ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnHttpsApi_GoesThroughTheProxy_AsATunnelInWhichTheProxySeesNoKey()
    {
        await using var proxy = RecordingProxy();
        var saved = HttpClient.DefaultProxy;
        HttpClient.DefaultProxy = new WebProxy(proxy.BaseAddress);
        try
        {
            var client = new HiApiClient(new HiApiClientOptions
            {
                BaseUri = new Uri("https://api.tunnelled.example.test/"),
                ApiKey = new ApiKey("sk-test-tunnel-secret-0123456789"),
                RetryPolicy = RetryPolicy.None,
            });

            var error = await Assert.ThrowsAsync<HiApiException>(() => client.GetTaskAsync("tk-1"));

            var head = Assert.Single(proxy.Requests);
            Assert.StartsWith("CONNECT api.tunnelled.example.test:443 HTTP/1.1", head);
            Assert.DoesNotContain("Authorization", head, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("tunnel-secret", head);
            Assert.Equal(HiApiErrorKind.Network, error.Kind);
            Assert.DoesNotContain("tunnel-secret", error.ToString());
        }
        finally
        {
            HttpClient.DefaultProxy = saved;
        }
    }

    [Theory]
    [InlineData("http://localhost:8080/v1/tasks", true)]
    [InlineData("http://LOCALHOST/", true)]
    [InlineData("http://127.0.0.1:8080/", true)]
    [InlineData("http://127.9.9.9/", true)]
    [InlineData("http://[::1]:8080/", true)]
    [InlineData("https://localhost:5001/", true)]
    [InlineData("https://api.hiapi.ai/v1/tasks", false)]
    [InlineData("https://temp.hiapi.ai/tasks/x.mp4", false)]
    [InlineData("http://storage.example.com/x.mp4", false)]
    public void OnlyLoopbackHosts_SkipTheProxy(string url, bool bypassed)
    {
        var saved = HttpClient.DefaultProxy;
        HttpClient.DefaultProxy = new WebProxy("http://proxy.example.test:3128");
        try
        {
            var proxy = LoopbackBypassingProxy.Instance;

            Assert.Equal(bypassed, proxy.IsBypassed(new Uri(url)));
            Assert.Equal(bypassed ? null : new Uri("http://proxy.example.test:3128/"), proxy.GetProxy(new Uri(url)));
        }
        finally
        {
            HttpClient.DefaultProxy = saved;
        }
    }

    [Fact]
    public void TheUsersOwnExceptions_AndCredentialsSetLater_StillApply()
    {
        var saved = HttpClient.DefaultProxy;
        var configured = new WebProxy("http://proxy.example.test:3128", false, [@"\.internal\.example$"]);
        HttpClient.DefaultProxy = configured;
        try
        {
            var proxy = LoopbackBypassingProxy.Instance;
            var proxyUri = new Uri("http://proxy.example.test:3128/");

            Assert.True(proxy.IsBypassed(new Uri("https://files.internal.example/x.mp4")));
            Assert.Null(proxy.Credentials!.GetCredential(proxyUri, "Basic"));

            // A handler reads a proxy's credentials once; the ones a user sets after the first request must still count.
            var credential = new NetworkCredential("proxy-user", "proxy-password");
            configured.Credentials = credential;
            Assert.Same(credential, proxy.Credentials.GetCredential(proxyUri, "Basic"));
        }
        finally
        {
            HttpClient.DefaultProxy = saved;
        }
    }

    [Fact]
    public async Task AnAuthenticatingProxy_GetsItsCredentials_AndTheErrorNeverQuotesThem()
    {
        // Answers every CONNECT with 407, with and without credentials: what a proxy does with a wrong password.
        await using var proxy = new RawHttpServer((_, _) => RawHttpServer.Response(
            "407 Proxy Authentication Required", "Proxy-Authenticate: Basic realm=\"corp\"\r\n"));
        var proxyWithCredentials = $"http://proxy-user:proxy-pa55word@127.0.0.1:{proxy.BaseAddress.Port}/";
        using var folder = new Ledger.LedgerTestFolder();
        using var worker = WorkerProcess.Start(
            new Dictionary<string, string>
            {
                ["HTTPS_PROXY"] = proxyWithCredentials,
                ["NO_PROXY"] = string.Empty,
                ["no_proxy"] = string.Empty,
                ["HIAPI_PROXY_TEST_KEY"] = "sk-test-tunnel-secret-0123456789",
            },
            "submit-and-wait",
            "--base-uri", "https://api.tunnelled.example.test/",
            "--api-key-env", "HIAPI_PROXY_TEST_KEY",
            "--ledger", folder.LedgerPath,
            "--count", "1",
            "--prefix", "behind-a-proxy",
            "--out", Path.Combine(folder.FolderPath, "clips"));
        var exitCode = worker.WaitForExit(TimeSpan.FromSeconds(120));

        Assert.Equal(1, exitCode);
        Assert.Contains("407", worker.ErrorText);
        Assert.DoesNotContain("pa55word", worker.ErrorText);
        Assert.DoesNotContain("tunnel-secret", worker.ErrorText);
        // The tunnel never opened, so the create never reached HiAPI: not "a task may have been created".
        Assert.DoesNotContain("may have been created", worker.ErrorText);
        var heads = proxy.Requests.ToArray();
        Assert.All(heads, head => Assert.StartsWith("CONNECT api.tunnelled.example.test:443 ", head));
        Assert.All(heads, head => Assert.DoesNotContain("tunnel-secret", head));
        var basic = Convert.ToBase64String("proxy-user:proxy-pa55word"u8.ToArray());
        Assert.Contains(heads, head => head.Contains($"Proxy-Authorization: Basic {basic}", StringComparison.Ordinal));
        output.WriteLine($"{heads.Length} CONNECTs reached the proxy, {heads.Count(head => head.Contains("Proxy-Authorization"))} with its credentials; stderr: {worker.ErrorText}");
    }

    [Fact]
    public void TheProxyAddress_HandedToTheHandler_CarriesNoPassword()
    {
        var saved = HttpClient.DefaultProxy;
        HttpClient.DefaultProxy = new WebProxy(new Uri("http://proxy-user:proxy-pa55word@proxy.example.test:3128/"));
        try
        {
            var address = LoopbackBypassingProxy.Instance.GetProxy(new Uri("https://api.hiapi.ai/v1/tasks"));

            Assert.Equal("http://proxy.example.test:3128/", address!.AbsoluteUri);
        }
        finally
        {
            HttpClient.DefaultProxy = saved;
        }
    }

    /// <summary>Records each request head and answers 502, so nothing it receives goes any further.</summary>
    private static RawHttpServer RecordingProxy() =>
        new((_, _) => RawHttpServer.Response("502 Bad Gateway", "Content-Type: text/plain\r\n", "no upstream"u8.ToArray()));

    /// <summary>The emulator on <paramref name="host"/>'s address; null when that is [::1] and IPv6 is off.</summary>
    private static async Task<EmulatorServer?> StartEmulatorAsync(string host)
    {
        var options = new EmulatorOptions { QueuedMs = 50, HandlingMs = 100, ArchivingMs = 50 };
        if (host != "[::1]")
        {
            return await EmulatorServer.StartAsync(options);
        }

        try
        {
            return await EmulatorServer.StartAsync(options, "http://[::1]:0");
        }
        catch (Exception unavailable) when (unavailable is IOException or System.Net.Sockets.SocketException)
        {
            return null;
        }
    }
}
