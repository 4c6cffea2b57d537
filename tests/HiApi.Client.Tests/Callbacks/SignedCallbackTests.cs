using System.Net;
using System.Text.Json;
using static HiApi.Client.Tests.ScriptedReceiverTasks;

namespace HiApi.Client.Tests;

/// <summary>
/// A listener and receiver with a webhook signing key: signed callbacks are trusted without a GET (still only for known
/// ids, still once per task), everything else is answered 401 and fetches nothing.
/// </summary>
public sealed class SignedCallbackTests
{
    private const string Key = "whsec_listener_test_key";
    private static readonly WebhookSecret Secret = new(Key);

    [Fact]
    public async Task ASignedCallback_IsAnswered200_AndItsReceiptIsMarkedValid()
    {
        await using var endpoint = CallbackEndpoint.Create(secret: Secret);

        using var response = await endpoint.PostSignedAsync(Success("tk-signed"), Secret);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var receipt = await endpoint.NextReceiptAsync();
        Assert.Equal(CallbackSignatureCheck.Valid, receipt.Signature);
        Assert.Equal("tk-signed", receipt.Task!.TaskId);
    }

    [Fact]
    public async Task UnsignedStaleOrWronglySignedCallbacks_AreAnswered401_WithTheSameFewWords()
    {
        await using var endpoint = CallbackEndpoint.Create(secret: Secret);
        var answers = new List<(HttpStatusCode Status, string Body)>();

        foreach (var send in new Func<Task<HttpResponseMessage>>[]
        {
            () => endpoint.PostAsync(Success("tk-1")),
            () => endpoint.PostSignedAsync(Success("tk-1"), new WebhookSecret("whsec_someone_else")),
            () => endpoint.PostSignedAsync(Success("tk-1"), Secret, DateTimeOffset.UtcNow.AddMinutes(-10)),
        })
        {
            using var response = await send();
            answers.Add((response.StatusCode, await response.Content.ReadAsStringAsync()));
        }

        Assert.All(answers, answer => Assert.Equal((HttpStatusCode.Unauthorized, """{"ok":false,"error":"invalid signature"}"""), answer));
        var problems = new[] { await endpoint.NextReceiptAsync(), await endpoint.NextReceiptAsync(), await endpoint.NextReceiptAsync() };
        Assert.All(problems, receipt =>
        {
            Assert.Equal(CallbackSignatureCheck.Invalid, receipt.Signature);
            Assert.Null(receipt.Task);
            Assert.DoesNotContain(Key, receipt.Problem);
        });
        Assert.Contains("no X-HiAPI-Signature", problems[0].Problem);
        Assert.Contains("does not match", problems[1].Problem);
        Assert.Contains("away from this computer's clock", problems[2].Problem);
    }

    [Fact]
    public async Task RefusalReceipts_ComeInTheOrderTheRequestsWereAnswered_WhileTheFirstSenderHoldsItsConnection()
    {
        await using var endpoint = CallbackEndpoint.Create(secret: Secret);
        var body = Success("tk-1");
        using var holder = await endpoint.ConnectAsync();
        var stream = holder.GetStream();
        await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(
            $"POST /hooks/ HTTP/1.1\r\nHost: 127.0.0.1:{endpoint.Url.Port}\r\nContent-Length: {System.Text.Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}"));

        // Read the whole answer but keep the connection open: the listener lingers on it before closing.
        var answer = new System.Text.StringBuilder();
        var buffer = new byte[512];
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!answer.ToString().EndsWith('}'))
        {
            var read = await stream.ReadAsync(buffer, limit.Token);
            Assert.NotEqual(0, read);
            answer.Append(System.Text.Encoding.ASCII.GetString(buffer, 0, read));
        }

        using var second = await endpoint.PostSignedAsync(body, new WebhookSecret("whsec_someone_else"));

        Assert.StartsWith("HTTP/1.1 401", answer.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
        Assert.Contains("no X-HiAPI-Signature", (await endpoint.NextReceiptAsync()).Problem);
        Assert.Contains("does not match", (await endpoint.NextReceiptAsync()).Problem);
    }

    [Fact]
    public async Task ASignatureOverAnotherBody_IsAnswered401()
    {
        await using var endpoint = CallbackEndpoint.Create(secret: Secret);
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signatureOfTheReal = CallbackSignature.Compute(Secret, timestamp, System.Text.Encoding.UTF8.GetBytes(Success("tk-1")));
        var forged = Success("tk-1").Replace("https://temp.example/", "https://evil.example/", StringComparison.Ordinal);

        var answer = await endpoint.SendRawAsync(
            $"POST /hooks/ HTTP/1.1\r\nHost: 127.0.0.1:{endpoint.Url.Port}\r\nX-HiAPI-Timestamp: {timestamp}\r\n" +
            $"X-HiAPI-Signature: {signatureOfTheReal}\r\nContent-Length: {forged.Length}\r\n\r\n{forged}");

        Assert.StartsWith("HTTP/1.1 401", answer);
    }

    [Fact]
    public async Task ASignedCallback_ForAnAwaitedTask_IsReported_WithoutAnyGet()
    {
        await using var signed = SignedReceiver.Start(awaited: "tk-1");

        using var answer = await signed.Endpoint.PostSignedAsync(Success("tk-1"), Secret);
        var reported = await signed.NextAsync();

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(CallbackEventKind.Succeeded, reported.Kind);
        Assert.Equal("https://temp.example/tk-1.mp4", reported.Task!.VideoUrl); // the signed body's URL
        Assert.Equal("prompt of tk-1", reported.Task.Prompt); // with the request fields the receiver knew
        Assert.Contains("signature verified", reported.Note);
        Assert.Equal(0, signed.Receiver.PendingCount);
        Assert.Equal(0, signed.Api.Count);
    }

    [Fact]
    public async Task ASignedCallback_DeliveredTwice_IsReportedOnce()
    {
        await using var signed = SignedReceiver.Start(awaited: "tk-1");

        using var first = await signed.Endpoint.PostSignedAsync(Success("tk-1"), Secret);
        using var second = await signed.Endpoint.PostSignedAsync(Success("tk-1"), Secret);
        var events = new[] { await signed.NextAsync(), await signed.NextAsync() };

        Assert.Equal(CallbackEventKind.Succeeded, events[0].Kind);
        Assert.Equal(CallbackEventKind.Ignored, events[1].Kind);
        Assert.Contains("duplicate", events[1].Note);
        Assert.Equal(0, signed.Api.Count);
    }

    [Fact]
    public async Task ASignedFailure_IsReportedAsFailed_WithoutAnyGet()
    {
        await using var signed = SignedReceiver.Start(awaited: "tk-f");

        using var answer = await signed.Endpoint.PostSignedAsync(ApiJson.Failed("tk-f", "generation_failed", "no video"), Secret);
        var failed = await signed.NextAsync();

        Assert.Equal(CallbackEventKind.Failed, failed.Kind);
        Assert.Equal("generation_failed", failed.Error!.ErrorCode);
        Assert.Equal(0, signed.Api.Count);
    }

    [Fact]
    public async Task ASignedCallback_ForATaskOnlyTheLedgerKnows_IsReported_WithoutAnyGet()
    {
        await using var signed = SignedReceiver.Start(lookup: id => id == "tk-ledger" ? Submitted(id) : null);

        using var answer = await signed.Endpoint.PostSignedAsync(Success("tk-ledger"), Secret);
        var reported = await signed.NextAsync();

        Assert.Equal((CallbackEventKind.Succeeded, "tk-ledger"), (reported.Kind, reported.TaskId));
        Assert.Equal(0, signed.Api.Count);
    }

    [Fact]
    public async Task ASignedCallback_ForAnUnknownId_IsStillIgnored()
    {
        await using var signed = SignedReceiver.Start();

        using var answer = await signed.Endpoint.PostSignedAsync(Success("tk-foreign"), Secret);
        var ignored = await signed.NextAsync();

        Assert.Equal(CallbackEventKind.Ignored, ignored.Kind);
        Assert.Null(ignored.Task);
        Assert.Contains("not in the ledger", ignored.Note);
        Assert.Equal(0, signed.Api.Count);
    }

    [Fact]
    public async Task ASignedCallback_ThatIsNotFinal_LeavesTheTaskAwaited()
    {
        await using var signed = SignedReceiver.Start(awaited: "tk-1");

        using var early = await signed.Endpoint.PostSignedAsync(ApiJson.Task("tk-1", "handling"), Secret);
        var ignored = await signed.NextAsync();
        using var final = await signed.Endpoint.PostSignedAsync(Success("tk-1"), Secret);
        var reported = await signed.NextAsync();

        Assert.Equal(CallbackEventKind.Ignored, ignored.Kind);
        Assert.Contains("not final yet", ignored.Note);
        Assert.Equal(CallbackEventKind.Succeeded, reported.Kind);
        Assert.Equal(0, signed.Api.Count);
    }

    [Fact]
    public async Task AForgedCallback_IsIgnored_NamingTheSender_AndNothingIsFetched()
    {
        await using var signed = SignedReceiver.Start(awaited: "tk-1");

        using var forged = await signed.Endpoint.PostAsync(Success("tk-1"));
        var ignored = await signed.NextAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(CallbackEventKind.Ignored, ignored.Kind);
        Assert.StartsWith("Callback from 127.0.0.1 refused with 401 because it has no X-HiAPI-Signature", ignored.Note);
        Assert.Equal(1, signed.Receiver.PendingCount);
        Assert.Equal(0, signed.Api.Count);
    }

    [Fact]
    public async Task WithoutASecret_ASignedLookingCallback_IsStillOnlyAHint()
    {
        await using var endpoint = CallbackEndpoint.Create();

        using var response = await endpoint.PostSignedAsync(Success("tk-1"), Secret);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(CallbackSignatureCheck.NotChecked, (await endpoint.NextReceiptAsync()).Signature);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(answer.RootElement.GetProperty("ok").GetBoolean());
    }

    /// <summary>A started receiver behind a listener that requires <see cref="Secret"/>, over an API no test may call.</summary>
    private sealed class SignedReceiver : IAsyncDisposable
    {
        private SignedReceiver(FakeHttpHandler api, CallbackEndpoint endpoint, CallbackReceiver receiver)
        {
            Api = api;
            Endpoint = endpoint;
            Receiver = receiver;
        }

        /// <summary>Any GET is a failure of the test: the point of a signature is that none is needed.</summary>
        public FakeHttpHandler Api { get; }

        public CallbackEndpoint Endpoint { get; }

        public CallbackReceiver Receiver { get; }

        public static SignedReceiver Start(Func<string, HiApiTask?>? lookup = null, params string[] awaited)
        {
            var api = new FakeHttpHandler((_, _) => FakeHttpHandler.Json(500, ApiJson.Internal));
            var endpoint = CallbackEndpoint.Create(start: false, secret: Secret);
            var receiver = new CallbackReceiver(TestClients.Create(api), endpoint.Listener, lookup ?? (_ => null), NoSweep);
            foreach (var id in awaited)
            {
                receiver.Await(Submitted(id));
            }

            receiver.Start();
            return new SignedReceiver(api, endpoint, receiver);
        }

        public Task<CallbackEvent> NextAsync() => ScriptedReceiverTasks.NextAsync(Receiver);

        public async ValueTask DisposeAsync()
        {
            await Receiver.DisposeAsync();
            await Endpoint.DisposeAsync();
        }
    }
}
