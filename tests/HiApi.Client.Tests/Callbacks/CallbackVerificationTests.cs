using System.Net;
using static HiApi.Client.Tests.ScriptedReceiverTasks;

namespace HiApi.Client.Tests;

/// <summary>The receiver with a scripted API, for what the emulator cannot stage: a GET that hangs, a GET that fails.</summary>
public sealed class CallbackVerificationTests
{
    [Fact]
    public async Task ASlowVerification_DelaysNeitherAnswersNorOtherTasks()
    {
        var releaseSlow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new FakeHttpHandler(async (request, _, ct) =>
        {
            var id = request.Uri.Segments[^1];
            if (id == "tk-slow")
            {
                await releaseSlow.Task.WaitAsync(ct);
            }

            return FakeHttpHandler.Json(200, Success(id));
        });
        await using var endpoint = CallbackEndpoint.Create(start: false);
        await using var receiver = new CallbackReceiver(TestClients.Create(handler), endpoint.Listener, _ => null, NoSweep);
        receiver.Await(Submitted("tk-slow"));
        receiver.Await(Submitted("tk-fast"));
        receiver.Start();

        using var slowAnswer = await endpoint.PostAsync(Success("tk-slow"));
        await Eventually.TrueAsync(() => handler.Count == 1, "the slow verification GET was sent");
        using var fastAnswer = await endpoint.PostAsync(Success("tk-fast"));
        var fast = await NextAsync(receiver);
        using var againAnswer = await endpoint.PostAsync(Success("tk-slow"));
        var duplicate = await NextAsync(receiver);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK), (slowAnswer.StatusCode, fastAnswer.StatusCode, againAnswer.StatusCode));
        Assert.Equal((CallbackEventKind.Succeeded, "tk-fast"), (fast.Kind, fast.TaskId));
        Assert.Equal((CallbackEventKind.Ignored, "tk-slow"), (duplicate.Kind, duplicate.TaskId));
        Assert.Contains("being verified already", duplicate.Note);

        releaseSlow.SetResult();
        var slow = await NextAsync(receiver);

        Assert.Equal((CallbackEventKind.Succeeded, "tk-slow"), (slow.Kind, slow.TaskId));
        Assert.Equal(2, handler.Requests.Count(r => r.Uri.Segments[^1] == "tk-slow" || r.Uri.Segments[^1] == "tk-fast"));
        Assert.Equal(1, handler.Requests.Count(r => r.Uri.Segments[^1] == "tk-slow"));
    }

    [Fact]
    public async Task AFailedVerification_IsErrored_AndALaterCallbackCanStillReportTheTask()
    {
        var handler = FakeHttpHandler.Sequence(
            () => FakeHttpHandler.Json(401, ApiJson.PermissionDenied),
            () => FakeHttpHandler.Json(200, Success("tk-1")));
        await using var endpoint = CallbackEndpoint.Create(start: false);
        await using var receiver = new CallbackReceiver(TestClients.Create(handler), endpoint.Listener, _ => null, NoSweep);
        receiver.Await(Submitted("tk-1"));
        receiver.Start();

        using var first = await endpoint.PostAsync(Success("tk-1"));
        var errored = await NextAsync(receiver);
        using var second = await endpoint.PostAsync(Success("tk-1"));
        var succeeded = await NextAsync(receiver);

        Assert.Equal(CallbackEventKind.Errored, errored.Kind);
        Assert.Equal(HiApiErrorKind.Unauthorized, errored.Error!.Kind);
        Assert.Equal("prompt of tk-1", errored.Task!.Prompt);
        Assert.DoesNotContain(TestClients.Key, errored.Error.Message);
        Assert.Equal(CallbackEventKind.Succeeded, succeeded.Kind);
        Assert.Equal("https://temp.example/tk-1.mp4", succeeded.Task!.VideoUrl);
    }

    [Fact]
    public async Task ALedgerLookupThatThrows_IsIgnored_WithoutARequest()
    {
        var handler = new FakeHttpHandler((_, _) => FakeHttpHandler.Json(200, Success("tk-1")));
        await using var endpoint = CallbackEndpoint.Create(start: false);
        await using var receiver = new CallbackReceiver(
            TestClients.Create(handler), endpoint.Listener, _ => throw new IOException("ledger locked"), NoSweep);
        receiver.Start();

        using var answer = await endpoint.PostAsync(Success("tk-1"));
        var ignored = await NextAsync(receiver);

        Assert.Equal(CallbackEventKind.Ignored, ignored.Kind);
        Assert.Contains("ledger locked", ignored.Note);
        Assert.Equal(0, handler.Count);
    }

    [Fact]
    public async Task ALookupAnsweringForAnotherId_CountsAsUnknown()
    {
        var handler = new FakeHttpHandler((_, _) => FakeHttpHandler.Json(200, Success("tk-1")));
        await using var endpoint = CallbackEndpoint.Create(start: false);
        await using var receiver = new CallbackReceiver(
            TestClients.Create(handler), endpoint.Listener, _ => Submitted("tk-other"), NoSweep);
        receiver.Start();

        using var answer = await endpoint.PostAsync(Success("tk-1"));
        var ignored = await NextAsync(receiver);

        Assert.Equal(CallbackEventKind.Ignored, ignored.Kind);
        Assert.Contains("not in the ledger", ignored.Note);
        Assert.Equal(0, handler.Count);
    }

    [Fact]
    public async Task Dispose_EndsTheEventStream()
    {
        var handler = new FakeHttpHandler((_, _) => FakeHttpHandler.Json(200, Success("tk-1")));
        await using var endpoint = CallbackEndpoint.Create(start: false);
        var receiver = new CallbackReceiver(TestClients.Create(handler), endpoint.Listener, _ => null, NoSweep);
        receiver.Start();

        await receiver.DisposeAsync();

        Assert.Null(await Eventually.WithinAsync(receiver.ReadAsync(CancellationToken.None)));
        Assert.Throws<ObjectDisposedException>(() => receiver.Await(Submitted("tk-late")));
    }
}
