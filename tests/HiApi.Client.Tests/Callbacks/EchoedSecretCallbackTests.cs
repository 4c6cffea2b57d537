using System.Net;
using static HiApi.Client.Tests.ScriptedReceiverTasks;

namespace HiApi.Client.Tests;

/// <summary>
/// HiAPI knows both secrets of a callback receiver: the API key (sent with every request) and the webhook signing key
/// (set in its console). A callback that repeats either, in a signed task or in a body that is no task, must bring
/// neither into a receipt, an event, its error or its task.
/// </summary>
public sealed class EchoedSecretCallbackTests
{
    private const string SigningKey = "whsec_echoed_signing_key_0123456789";
    private const string ApiKeyText = TestClients.Key;
    private static readonly WebhookSecret Secret = new(SigningKey);
    private const string Both = $"signed with {SigningKey} for Bearer {ApiKeyText}";

    public static TheoryData<string, string> EchoingBodies => new()
    {
        { "a signed failure", ApiJson.Failed("tk-1", SigningKey, Both) },
        { "a signed task's text fields", $$"""{"code":200,"data":{"taskId":"tk-1","model":"{{ApiKeyText}}","status":"fail","storage":"{{SigningKey}}","output":[]},"message":"success"}""" },
        { "a body that is no task", $$"""{"code":500,"message":"{{Both}}"}""" },
        { "a body that is not JSON", $"<html>{Both}</html>" },
    };

    [Theory]
    [MemberData(nameof(EchoingBodies))]
    public async Task A_callback_that_repeats_a_secret_brings_it_into_no_receipt_event_error_or_task(string what, string body)
    {
        var api = new FakeHttpHandler((_, _) => FakeHttpHandler.Json(500, ApiJson.Internal));
        await using var endpoint = CallbackEndpoint.Create(start: false, secret: Secret);
        await using var receiver = new CallbackReceiver(TestClients.Create(api), endpoint.Listener, _ => null, NoSweep);
        receiver.Await(Submitted("tk-1"));
        receiver.Start();

        using var answer = await endpoint.PostSignedAsync(body, Secret);
        var reported = await NextAsync(receiver);

        Assert.NotEqual(HttpStatusCode.Unauthorized, answer.StatusCode);
        Assert.True(reported.Kind is CallbackEventKind.Failed or CallbackEventKind.Ignored, $"{what}: {reported}");
        SecretScan.AssertNoKey(SigningKey, reported);
        SecretScan.AssertNoKey(ApiKeyText, reported);
        Assert.Equal(0, api.Count);
    }

    [Fact]
    public async Task A_listener_alone_keeps_its_signing_key_out_of_a_problem_receipt()
    {
        await using var endpoint = CallbackEndpoint.Create(secret: Secret);

        using var answer = await endpoint.PostSignedAsync($"not json: {SigningKey}", Secret);
        var receipt = await endpoint.NextReceiptAsync();

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains("(webhook signing key redacted)", receipt.Problem);
        SecretScan.AssertNoKey(SigningKey, receipt);
    }
}
