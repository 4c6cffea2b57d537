using System.Net;
using HiApi.Contract.Tests.Support;

namespace HiApi.Contract.Tests.Contract;

/// <summary>
/// Creates are validated in the API's own words: every field error of a request in one message, the seeds' texts,
/// the seed-000 fixture byte for byte; and a refused create makes nothing.
/// </summary>
public sealed class ValidationContractTests : ContractTest
{
    private const string T2V = "happyhorse-1.1/text-to-video";
    private const string I2V = "happyhorse-1.1/image-to-video";

    public static TheoryData<string, string, string> RefusedBodies => Across.Servers(
    [
        ($$$"""{"model":"{{{T2V}}}","input":{"prompt":"p","duration":0}}""", "invalid input: duration: minimum: got 0, want 3"),
        ($$$"""{"model":"{{{T2V}}}","input":{"prompt":"p","duration":30}}""", "invalid input: duration: maximum: got 30, want 15"),
        ($$$"""{"model":"{{{T2V}}}","input":{"prompt":"p","duration":5.5}}""", "invalid input: duration: got number, want integer"),
        ($$$"""{"model":"{{{T2V}}}","input":{"prompt":"...","seed":42}}""", "invalid input: additional properties 'seed' not allowed"),
        ($$$"""{"model":"{{{T2V}}}","input":{"prompt":""}}""", "invalid input: prompt: minLength: got 0, want 1"),
        ($$$"""{"model":"{{{I2V}}}","input":{"prompt":"p"}}""", "invalid input: image_urls: missing required field \"image_urls\""),
        ($$$"""{"model":"{{{I2V}}}","input":{"image_urls":["https://a.example/1.jpg","https://a.example/2.jpg"]}}""", "invalid input: image_urls: maxItems: got 2, want 1"),
        ($$$"""{"model":"{{{I2V}}}","input":{"image_urls":[]}}""", "invalid input: image_urls: minItems: got 0, want 1"),
        ($$$"""{"model":"{{{I2V}}}","input":{"image_urls":["http://a.example/1.jpg"],"aspect_ratio":"16:9"}}""", "invalid input: image_urls/0: value must be an absolute https URL; additional properties 'aspect_ratio' not allowed"),
        ($$$"""{"model":"{{{T2V}}}","input":{"prompt":"p"},"callback":{"url":"https://hooks.example/x","when":"always"}}""", "invalid callback.when: only 'final' is supported"),
        ("""{"input":{"prompt":"p"},"size":"1x1"}""", "invalid request: model: missing required field \"model\"; additional properties 'size' not allowed"),
        ("""[1,2]""", "invalid request: body must be a JSON object"),
    ]);

    [Theory]
    [MemberData(nameof(RefusedBodies))]
    public async Task A_bad_request_is_400_with_every_problem_in_the_APIs_words(string serverName, string body, string message)
    {
        var (server, api) = await StartAsync(serverName);

        var answer = await api.CreateAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal(400, answer.Json.GetProperty("code").GetInt32());
        Assert.Equal("INVALID_REQUEST", answer.Json.GetProperty("error_code").GetString());
        Assert.Equal(message, answer.Json.GetProperty("message").GetString());
        Assert.Empty(server.TaskIds);
    }

    [Theory]
    [MemberData(nameof(ContractServer.Names), MemberType = typeof(ContractServer))]
    public async Task The_seed_000_fixture_comes_back_byte_for_byte(string serverName)
    {
        var (_, api) = await StartAsync(serverName);

        var answer = await api.CreateAsync("""{"model":"happyhorse-1.1/text-to-video","input":{"prompt":"p","aspect_ratio":"2:1","resolution":"4k","duration":99}}""");

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal(
            """{"code":400,"data":null,"error_code":"INVALID_REQUEST","message":"invalid input: aspect_ratio: value must be one of '16:9', '9:16', '3:4', '4:3', '4:5', '5:4', '1:1', '9:21', '21:9'; resolution: value must be one of '720p', '1080p'; duration: maximum: got 99, want 15"}""",
            answer.Body);
        Assert.StartsWith("application/json", answer.ContentHeaders.ContentType!.ToString());
    }

    [Theory]
    [MemberData(nameof(ContractServer.Names), MemberType = typeof(ContractServer))]
    public async Task A_body_not_sent_as_json_is_refused(string serverName)
    {
        var (server, api) = await StartAsync(serverName);

        var answer = await api.CreateAsync(ApiCalls.TextBody(), contentType: "text/plain");

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("invalid request: Content-Type must be application/json", answer.Json.GetProperty("message").GetString());
        Assert.Empty(server.TaskIds);
    }

    [Theory]
    [MemberData(nameof(ContractServer.Names), MemberType = typeof(ContractServer))]
    public async Task An_idempotency_key_over_255_bytes_is_400(string serverName)
    {
        var (_, api) = await StartAsync(serverName);

        var answer = await api.CreateAsync(ApiCalls.TextBody(), idempotencyKey: new string('k', 256));

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("invalid request: Idempotency-Key must be at most 255 bytes", answer.Json.GetProperty("message").GetString());
    }

    [Theory]
    [MemberData(nameof(ContractServer.Names), MemberType = typeof(ContractServer))]
    public async Task A_reject_marker_is_a_synchronous_TASK_FAILED_and_makes_no_task(string serverName)
    {
        var (server, api) = await StartAsync(serverName);

        var answer = await api.CreateAsync(ApiCalls.TextBody("a ship [[reject]]"));

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("""{"code":400,"data":null,"error_code":"TASK_FAILED","message":"task failed: the request was rejected"}""", answer.Body);
        Assert.Empty(server.TaskIds);
    }

    [Theory]
    [MemberData(nameof(ContractServer.Names), MemberType = typeof(ContractServer))]
    public async Task A_valid_request_of_each_model_is_accepted(string serverName)
    {
        var (server, api) = await StartAsync(serverName);

        var text = await api.CreateAsync($$$"""{"model":"{{{T2V}}}","input":{"prompt":"a fox","aspect_ratio":"9:16","resolution":"1080p","duration":15}}""");
        var image = await api.CreateAsync($$$"""{"model":"{{{I2V}}}","input":{"image_urls":["https://example.com/still.jpg"],"prompt":"","resolution":"720p","duration":3}}""");

        Assert.Equal(HttpStatusCode.OK, text.Status);
        Assert.Equal(HttpStatusCode.OK, image.Status);
        Assert.Equal($$$"""{"code":200,"data":{"taskId":"{{{text.TaskId}}}"},"message":"success"}""", text.Body);
        Assert.Equal([text.TaskId, image.TaskId], server.TaskIds);
    }
}
