using System.Net;
using System.Text;
using System.Text.Json;
using HiApi.Emulator.Tests.Support;

namespace HiApi.Emulator.Tests.Hostile;

/// <summary><c>HugeBodyBytes</c>: GET /v1/tasks/{id} answers a valid envelope padded to an exact, huge size.</summary>
public sealed class HugeBodyTests : EmulatorTestBase
{
    [Fact]
    public async Task A_padded_answer_is_valid_json_of_exactly_the_size_with_the_same_data()
    {
        const long size = 5 * 1024 * 1024 + 3;
        var created = await Client.CreateTextTaskAsync();
        var normal = await Client.WaitForTerminalAsync(created.TaskId);
        Server.Options.HugeBodyBytes = size;

        using var response = await Client.Http.SendAsync(AuthorizedGet($"v1/tasks/{created.TaskId}"));
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(size, response.Content.Headers.ContentLength);
        Assert.Equal(size, bytes.LongLength);
        using var parsed = JsonDocument.Parse(bytes);
        Assert.Equal(normal.Json.GetProperty("data").GetRawText(), parsed.RootElement.GetProperty("data").GetRawText());
        // The usual answer with the padding right after its opening brace.
        var padding = (int)(size - Encoding.UTF8.GetByteCount(normal.Body));
        Assert.True(bytes.AsSpan(1, padding).IndexOfAnyExcept((byte)' ') < 0);
        Assert.Equal(normal.Body, "{" + Encoding.UTF8.GetString(bytes, 1 + padding, bytes.Length - 1 - padding));
    }

    [Fact]
    public async Task A_size_below_the_envelope_changes_nothing_and_other_routes_are_not_padded()
    {
        var created = await Client.CreateTextTaskAsync();
        var normal = await Client.GetTaskAsync(created.TaskId);
        Server.Options.HugeBodyBytes = 10;

        var small = await Client.GetTaskAsync(created.TaskId);
        Server.Options.HugeBodyBytes = 1024 * 1024;
        var list = await Client.SendAsync(HttpMethod.Get, "v1/tasks", TestKeys.AllModels, null);
        var another = await Client.CreateTextTaskAsync();
        var notFound = await Client.GetTaskAsync("tk-hiapi-01KW23VDG2EZ20J7RQH8S67MNC");

        Assert.Equal(normal.Body, small.Body);
        Assert.True(list.Body.Length < 10_000);
        Assert.True(another.Body.Length < 200);
        Assert.Equal(HttpStatusCode.NotFound, notFound.Status);
    }

    private static HttpRequestMessage AuthorizedGet(string path) => new(HttpMethod.Get, path)
    {
        Headers = { Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestKeys.AllModels) },
    };
}
