using System.Net;
using System.Text;
using HiApi.Emulator.Tests.Support;

namespace HiApi.Emulator.Tests.Auth;

/// <summary>401 in the seeds' other body shape for every auth failure; 404 for tasks the key cannot see.</summary>
public sealed class AuthenticationTests : EmulatorTestBase
{
    private const string PermissionDenied =
        """{"error":{"code":"permission_denied","message":"This API key cannot use the selected model...","type":"hiapi_error"}}""";

    private const string ValidTextBody = """{"model":"happyhorse-1.1/text-to-video","input":{"prompt":"p","duration":3}}""";
    private const string ValidImageBody = """{"model":"happyhorse-1.1/image-to-video","input":{"image_urls":["https://example.com/s.jpg"],"duration":3}}""";

    [Fact]
    public async Task Missing_key_gets_the_seed_401_body()
    {
        var response = await Client.CreateAsync(ValidTextBody, key: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal(PermissionDenied, response.Body);
        Assert.Empty(Server.Tasks);
    }

    [Fact]
    public async Task Unknown_key_gets_the_seed_401_body()
    {
        var response = await Client.CreateAsync(ValidTextBody, key: "sk-not-a-real-key");

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal(PermissionDenied, response.Body);
    }

    [Theory]
    [InlineData("Basic c2stdGVzdC1lbXVsYXRvcg==")]
    [InlineData("sk-test-emulator")]
    [InlineData("Bearer")]
    [InlineData("Bearer  sk-test-emulator")]
    public async Task Malformed_authorization_header_gets_the_seed_401_body(string header)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/tasks")
        {
            Content = new StringContent(ValidTextBody, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", header);
        using var response = await Client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(PermissionDenied, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Key_not_allowed_for_the_model_gets_the_seed_401_body()
    {
        var response = await Client.CreateAsync(ValidImageBody, key: TestKeys.TextOnly);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal(PermissionDenied, response.Body);
        Assert.Empty(Server.Tasks);
    }

    [Fact]
    public async Task Text_only_key_can_use_text_to_video()
    {
        var response = await Client.CreateAsync(ValidTextBody, key: TestKeys.TextOnly);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var task = Assert.Single(Server.Tasks);
        Assert.Equal("sk-test…", task.ApiKeyLabel);
    }

    [Fact]
    public async Task Auth_is_checked_before_the_body()
    {
        var response = await Client.CreateAsync("""{"model":"nope"}""", key: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
    }

    [Fact]
    public async Task The_body_is_checked_before_the_model_permission()
    {
        var response = await Client.CreateAsync(
            """{"model":"happyhorse-1.1/image-to-video","input":{"image_urls":[]}}""", key: TestKeys.TextOnly);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("invalid input: image_urls: minItems: got 0, want 1", response.Message);
    }

    [Fact]
    public async Task Reading_a_task_needs_a_valid_key()
    {
        var created = await Client.CreateAsync(ValidTextBody);

        var anonymous = await Client.GetTaskAsync(created.TaskId, key: null);
        var unknown = await Client.GetTaskAsync(created.TaskId, key: "sk-unknown");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
        Assert.Equal(PermissionDenied, anonymous.Body);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.Status);
        Assert.Equal(PermissionDenied, unknown.Body);
    }

    [Fact]
    public async Task Another_keys_task_is_not_found()
    {
        var created = await Client.CreateAsync(ValidTextBody, key: TestKeys.AllModels);

        var response = await Client.GetTaskAsync(created.TaskId, key: TestKeys.TextOnly);

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("""{"code":404,"data":null,"error_code":"NOT_FOUND","message":"task not found"}""", response.Body);
    }

    [Fact]
    public async Task Unknown_task_is_not_found()
    {
        var response = await Client.GetTaskAsync("tk-hiapi-01KW23VDG2EZ20J7RQH8S67MNC");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("""{"code":404,"data":null,"error_code":"NOT_FOUND","message":"task not found"}""", response.Body);
    }

    [Fact]
    public async Task The_key_never_appears_in_the_request_log()
    {
        await Client.CreateAsync(ValidTextBody, key: TestKeys.AllModels);
        using var control = await Client.Http.GetAsync("_emulator/requests");
        var log = await control.Content.ReadAsStringAsync();

        var recorded = Assert.Single(Server.Requests);
        Assert.True(recorded.HasAuthorization);
        Assert.DoesNotContain(TestKeys.AllModels, log);
        Assert.DoesNotContain(TestKeys.AllModels, recorded.ToString());
    }
}
