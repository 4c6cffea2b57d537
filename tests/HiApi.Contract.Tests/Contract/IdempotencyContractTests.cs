using System.Net;
using HiApi.Contract.Tests.Support;

namespace HiApi.Contract.Tests.Contract;

/// <summary>
/// The Idempotency-Key rules: the same key and the same raw bytes replay the first task (<c>Idempotent-Replay: true</c>,
/// nothing new made or charged), other bytes are 422, a key whose first create is still running is 409 with Retry-After,
/// and a create that made no task releases its key.
/// </summary>
public sealed class IdempotencyContractTests : ContractTest
{
    [Theory]
    [MemberData(nameof(ContractServer.Names), MemberType = typeof(ContractServer))]
    public async Task The_same_key_and_bytes_replay_the_first_task_and_make_nothing_new(string serverName)
    {
        var (server, api) = await StartAsync(serverName);

        var first = await api.CreateAsync(ApiCalls.TextBody(), idempotencyKey: "row-1");
        var again = await api.CreateAsync(ApiCalls.TextBody(), idempotencyKey: "row-1");

        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.False(first.IsReplay);
        Assert.True(again.IsReplay);
        Assert.Equal(first.Body, again.Body);
        Assert.Equal([first.TaskId], server.TaskIds);
    }

    [Theory]
    [MemberData(nameof(ContractServer.Names), MemberType = typeof(ContractServer))]
    public async Task The_same_key_with_other_bytes_is_422_even_if_only_the_spacing_differs(string serverName)
    {
        var (server, api) = await StartAsync(serverName);
        await api.CreateAsync(ApiCalls.TextBody(), idempotencyKey: "row-1");

        var answer = await api.CreateAsync(ApiCalls.TextBody().Replace(",\"input\"", ", \"input\""), idempotencyKey: "row-1");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, answer.Status);
        Assert.Equal(
            """{"code":422,"data":null,"error_code":"IDEMPOTENCY_KEY_MISMATCH","message":"this Idempotency-Key was already used with a different request body"}""",
            answer.Body);
        Assert.Single(server.TaskIds);
    }

    [Theory]
    [MemberData(nameof(ContractServer.Names), MemberType = typeof(ContractServer))]
    public async Task While_the_first_create_runs_the_same_key_is_409_with_Retry_After(string serverName)
    {
        // Both are in flight for the whole delay: whichever the server saw first makes the task, the other is 409.
        var (server, api) = await StartAsync(serverName, new ContractSettings { CreateDelayMs = 1500 });

        var answers = await Task.WhenAll(
            api.CreateAsync(ApiCalls.TextBody(), idempotencyKey: "row-1"),
            api.CreateAsync(ApiCalls.TextBody(), idempotencyKey: "row-1"));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], answers.Select(a => a.Status).Order());
        var conflict = answers.Single(a => a.Status == HttpStatusCode.Conflict);
        Assert.Equal(
            """{"code":409,"data":null,"error_code":"IDEMPOTENCY_KEY_PROCESSING","message":"a request with this Idempotency-Key is still being processed"}""",
            conflict.Body);
        Assert.Equal("1", conflict.RetryAfter);
        Assert.Single(server.TaskIds);
    }

    [Theory]
    [MemberData(nameof(ContractServer.Names), MemberType = typeof(ContractServer))]
    public async Task A_refused_create_releases_its_key_so_a_fixed_retry_is_a_fresh_create(string serverName)
    {
        var (server, api) = await StartAsync(serverName, new ContractSettings { Balance = 0.05m });

        var invalid = await api.CreateAsync(ApiCalls.TextBody(duration: 99), idempotencyKey: "row-1");
        var tooDear = await api.CreateAsync(ApiCalls.TextBody(duration: 6), idempotencyKey: "row-1");
        var fixedUp = await api.CreateAsync(ApiCalls.TextBody(duration: 3), idempotencyKey: "row-1");

        Assert.Equal(HttpStatusCode.BadRequest, invalid.Status);
        Assert.Equal(HttpStatusCode.PaymentRequired, tooDear.Status);
        Assert.Equal(HttpStatusCode.OK, fixedUp.Status);
        Assert.False(fixedUp.IsReplay);
        Assert.Equal([fixedUp.TaskId], server.TaskIds);
    }
}
