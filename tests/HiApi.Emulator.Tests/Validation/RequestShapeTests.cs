using System.Net;
using HiApi.Emulator.Tests.Support;

namespace HiApi.Emulator.Tests.Validation;

/// <summary>The request part and the callback part of the 400 message, and how the parts join.</summary>
public sealed class RequestShapeTests : EmulatorTestBase
{
    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("\"text\"")]
    [InlineData("null")]
    [InlineData("""{"model":"happyhorse-1.1/text-to-video","input":{"prompt":"p"},}""")]
    public async Task A_body_that_is_not_a_JSON_object_is_rejected(string body)
    {
        var response = await Client.CreateAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("invalid request: body must be a JSON object", response.Message);
    }

    [Theory]
    [InlineData("""{"input":{"prompt":"p"}}""", "invalid request: model: missing required field \"model\"")]
    [InlineData("""{"model":"happyhorse-1.1/reference-to-video","input":{"prompt":"p"}}""",
        "invalid request: model: value must be one of 'happyhorse-1.1/text-to-video', 'happyhorse-1.1/image-to-video'")]
    [InlineData("""{"model":7,"input":{"prompt":"p"}}""",
        "invalid request: model: value must be one of 'happyhorse-1.1/text-to-video', 'happyhorse-1.1/image-to-video'")]
    [InlineData("""{"model":"happyhorse-1.1/text-to-video"}""", "invalid request: input: missing required field \"input\"")]
    [InlineData("""{"model":"happyhorse-1.1/text-to-video","input":"a prompt"}""", "invalid request: input: got string, want object")]
    [InlineData("""{"model":"happyhorse-1.1/text-to-video","input":{"prompt":"p"},"seed":1,"webhook":"x"}""",
        "invalid request: additional properties 'seed', 'webhook' not allowed")]
    [InlineData("""{}""", "invalid request: model: missing required field \"model\"; input: missing required field \"input\"")]
    public async Task Request_part_errors(string body, string expected)
    {
        var response = await Client.CreateAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(expected, response.Message);
    }

    [Theory]
    [InlineData("\"https://example.com/h\"", "invalid callback: got string, want object")]
    [InlineData("""{"url":"https://example.com/h"}""", "invalid callback.when: only 'final' is supported")]
    [InlineData("""{"url":"https://example.com/h","when":"FINAL"}""", "invalid callback.when: only 'final' is supported")]
    [InlineData("""{"when":"final"}""", "invalid callback.url: value must be an absolute http or https URL")]
    [InlineData("""{"url":"ftp://example.com/h","when":"final"}""", "invalid callback.url: value must be an absolute http or https URL")]
    [InlineData("""{"url":"/hooks","when":"final"}""", "invalid callback.url: value must be an absolute http or https URL")]
    [InlineData("""{"url":"https://example.com/h","when":"final","secret":"x"}""", "invalid callback: additional properties 'secret' not allowed")]
    [InlineData("""{"when":"all"}""", "invalid callback.when: only 'final' is supported; invalid callback.url: value must be an absolute http or https URL")]
    public async Task Callback_part_errors(string callback, string expected)
    {
        var response = await Client.CreateAsync(
            $$"""{"model":"happyhorse-1.1/text-to-video","input":{"prompt":"p"},"callback":{{callback}}}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(expected, response.Message);
    }

    [Fact]
    public async Task Parts_join_in_the_order_request_input_callback()
    {
        var response = await Client.CreateAsync(
            """{"callback":{"url":"https://example.com/h","when":"progress"},"extra":1,"input":{"duration":99},"model":"happyhorse-1.1/text-to-video"}""");

        Assert.Equal(
            "invalid request: additional properties 'extra' not allowed; "
            + "invalid input: prompt: missing required field \"prompt\"; duration: maximum: got 99, want 15; "
            + "invalid callback.when: only 'final' is supported",
            response.Message);
    }

    [Fact]
    public async Task An_http_callback_url_is_accepted_by_the_server()
    {
        var response = await Client.CreateAsync(
            """{"model":"happyhorse-1.1/text-to-video","input":{"prompt":"p"},"callback":{"url":"http://127.0.0.1:9/hook","when":"final"}}""");

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task A_body_not_sent_as_JSON_is_rejected(string contentType)
    {
        var response = await Client.CreateAsync(
            """{"model":"happyhorse-1.1/text-to-video","input":{"prompt":"p"}}""", contentType: contentType);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("invalid request: Content-Type must be application/json", response.Message);
        Assert.Empty(Server.Tasks);
    }

    [Fact]
    public async Task Rejected_requests_create_no_task()
    {
        await Client.CreateAsync("""{"model":"happyhorse-1.1/text-to-video","input":{"prompt":"p","duration":99}}""");

        Assert.Empty(Server.Tasks);
        var recorded = Assert.Single(Server.Requests);
        Assert.Equal(400, recorded.StatusCode);
        Assert.Equal("create", recorded.Kind);
    }
}
