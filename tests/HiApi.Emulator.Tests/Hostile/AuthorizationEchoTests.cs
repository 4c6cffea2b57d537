using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using HiApi.Emulator.Tests.Support;

namespace HiApi.Emulator.Tests.Hostile;

/// <summary>
/// <c>EchoAuthorizationInErrorPages</c>: injected 5xx pages carry the request's Authorization after a run of filler,
/// so a client that quotes the first 200 characters of an error page would leak part of its key.
/// </summary>
public sealed class AuthorizationEchoTests : EmulatorTestBase
{
    private const string SomeTaskId = "tk-hiapi-01KW23VDG2EZ20J7RQH8S67MNC";

    private static string ReadableText(string html) => WebUtility.HtmlDecode(Regex.Replace(html, "<[^>]*>", "")).TrimEnd('\n');

    [Fact]
    public async Task Every_injected_5xx_is_an_html_page_with_the_key_after_190_characters()
    {
        Server.Options.EchoAuthorizationInErrorPages = true;
        Server.Options.Faults = new FaultOptions { ServerErrorRate = 1 };

        var answers = new List<ApiResponse>();
        for (var i = 0; i < 3; i++)
        {
            answers.Add(await Client.GetTaskAsync(SomeTaskId));
        }

        Assert.Equal([HttpStatusCode.InternalServerError, HttpStatusCode.BadGateway, HttpStatusCode.ServiceUnavailable],
            answers.Select(a => a.Status));
        foreach (var answer in answers)
        {
            Assert.StartsWith("text/html", answer.ContentType);
            var text = ReadableText(answer.Body);
            Assert.Equal(190 + $"Bearer {TestKeys.AllModels}".Length, text.Length);
            Assert.DoesNotContain("sk-", text[..190]);
            Assert.Equal($"Bearer {TestKeys.AllModels}", text[190..]);
            // What a 200-character excerpt would show: the key cut in the middle.
            Assert.EndsWith("Bearer sk-", text[..200]);
        }
    }

    [Fact]
    public async Task The_offset_is_configurable_and_creates_under_FaultCreate_echo_too()
    {
        using var put = await Client.Http.PutAsync("_emulator/config", new StringContent(
            """{"echoAuthorizationInErrorPages":true,"echoAuthorizationAtOffset":0}""", Encoding.UTF8, "application/json"));
        Server.Options.Faults = new FaultOptions { ServerErrorRate = 1, FaultCreate = true };

        var created = await Client.CreateTextTaskAsync(key: TestKeys.TextOnly);

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, created.Status);
        Assert.Equal($"Bearer {TestKeys.TextOnly}", ReadableText(created.Body));
    }

    [Fact]
    public async Task Off_by_default_the_5xx_bodies_stay_as_they_were()
    {
        Server.Options.Faults = new FaultOptions { ServerErrorRate = 1 };

        var answer = await Client.GetTaskAsync(SomeTaskId);

        Assert.False(Server.Options.EchoAuthorizationInErrorPages);
        Assert.Equal("""{"code":500,"data":null,"error_code":"INTERNAL_ERROR","message":"internal error"}""", answer.Body);
    }
}
