using System.Collections.Concurrent;

namespace HiApi.Client.Tests;

/// <summary>The key goes in the Authorization header of API requests and nowhere else.</summary>
public sealed class KeySecrecyTests
{
    private const string Key = TestClients.Key;

    [Fact]
    public async Task NoErrorMessageLogLineOrToString_ContainsTheKey_EvenWhenTheServerEchoesIt()
    {
        var lines = new ConcurrentQueue<string>();
        var echo = $"your header was: Bearer {Key}";
        var bodies = new Func<HttpResponseMessage>[]
        {
            () => FakeHttpHandler.Json(400, ApiJson.BadRequest(echo)),
            () => FakeHttpHandler.Json(401, $$$"""{"error":{"code":"permission_denied","message":"{{{echo}}}","type":"hiapi_error"}}"""),
            () => FakeHttpHandler.Json(402, $$"""{"code":402,"error_code":"INSUFFICIENT_BALANCE","message":"{{echo}}"}"""),
            () => FakeHttpHandler.Text(502, $"<html><title>{echo}</title></html>"),
            () => FakeHttpHandler.Text(200, $"<p>{echo}</p>"),
            () => { var r = FakeHttpHandler.Json(200, ApiJson.Task("tk-1", "queued")); r.ReasonPhrase = echo; return r; },
        };

        var texts = new List<string>();
        foreach (var body in bodies)
        {
            var client = TestClients.Create(FakeHttpHandler.Sequence(body), TestClients.InstantRetries(maxRetries: 0), log: lines.Enqueue);
            texts.Add(client.ToString()!);
            try
            {
                texts.Add((await client.GetTaskAsync("tk-1")).ToString());
            }
            catch (HiApiException ex)
            {
                texts.Add(ex.Message);
                texts.Add(ex.ToString());
                texts.AddRange(ex.FieldErrors.Select(e => e.ToString()));
            }

            try
            {
                await client.CreateTaskAsync(new VideoRequest { Prompt = "p" });
            }
            catch (HiApiException ex)
            {
                texts.Add(ex.ToString());
            }
        }

        texts.AddRange(lines);
        Assert.NotEmpty(lines);
        Assert.All(texts, t => Assert.DoesNotContain(Key, t));
        Assert.Contains(texts, t => t.Contains("sk-...redacted"));
    }

    [Fact]
    public async Task NetworkErrors_DoNotCarryTheKey()
    {
        var handler = new FakeHttpHandler((request, _, _) => throw new HttpRequestException($"proxy said: {request.Authorization}"));
        var client = TestClients.Create(handler, TestClients.InstantRetries(maxRetries: 1));

        var exception = await Assert.ThrowsAsync<HiApiException>(() => client.GetTaskAsync("tk-1"));

        Assert.DoesNotContain(Key, exception.Message);
        Assert.DoesNotContain(Key, exception.ToString());
        Assert.Equal($"Bearer {Key}", handler.Requests[0].Authorization);
    }

    [Fact]
    public void OptionsAndKey_ToString_AreSafe()
    {
        var options = new HiApiClientOptions { BaseUri = TestClients.BaseUri, ApiKey = new ApiKey(Key) };

        Assert.DoesNotContain(Key, options.ToString());
        Assert.DoesNotContain(Key, options.ApiKey.ToString());
        Assert.DoesNotContain(Key, new HiApiClient(options).ToString());
    }

    [Theory]
    [InlineData(150)]
    [InlineData(180)]
    [InlineData(190)]
    [InlineData(199)]
    public async Task A_key_echoed_across_the_excerpt_cut_leaves_no_run_of_it(int fillerLength)
    {
        // The excerpt of a non-JSON page is cut at 200 characters: redacting after the cut would only find half a key.
        var page = $"<html><body>{new string('x', fillerLength)}Bearer {Key} and more text after it</body></html>";
        var client = TestClients.Create(FakeHttpHandler.Sequence(() => FakeHttpHandler.Text(502, page)), TestClients.InstantRetries(maxRetries: 0));

        var error = await Assert.ThrowsAsync<HiApiException>(() => client.GetTaskAsync("tk-1"));

        AssertNoRunOfTheKey(error.Message);
        AssertNoRunOfTheKey(error.ToString());
    }

    [Fact]
    public void Redaction_removes_any_eight_character_run_of_the_key_and_nothing_else()
    {
        var key = new ApiKey(Key);

        Assert.Equal("before sk-...redacted after", key.Redactor.Redact($"before {Key[3..11]} after"));
        Assert.Equal("x sk-...redacted y sk-...redacted", key.Redactor.Redact($"x {Key} y {Key[^9..]}"));
        Assert.Equal($"seven {Key[5..12]} is not a run", key.Redactor.Redact($"seven {Key[5..12]} is not a run"));
        Assert.Equal("nothing here", key.Redactor.Redact("nothing here"));
    }

    [Fact]
    public void Redaction_finds_the_key_in_any_letter_case_as_a_page_that_lower_cases_headers_echoes_it()
    {
        var key = new ApiKey(Key);

        var alternating = string.Concat(Key.Select((c, i) => i % 2 == 0 ? char.ToUpperInvariant(c) : c));
        Assert.NotEqual(Key, alternating);
        Assert.Equal("authorization: bearer sk-...redacted", key.Redactor.Redact($"authorization: bearer {alternating}"));
        Assert.Equal("AUTHORIZATION: BEARER sk-...redacted.", key.Redactor.Redact($"AUTHORIZATION: BEARER {Key.ToUpperInvariant()[..12]}."));
        Assert.True(key.Redactor.IsIn(Key.ToUpperInvariant()[4..]));
    }

    private static void AssertNoRunOfTheKey(string text)
    {
        for (var i = 0; i + SecretRedactor.MinimumLeakRun <= Key.Length; i++)
        {
            Assert.DoesNotContain(Key.Substring(i, SecretRedactor.MinimumLeakRun), text);
        }
    }
}
