namespace HiApi.Client.Tests;

/// <summary>What the receiver tests with a scripted API share: a submitted task, its success body, the next event.</summary>
public static class ScriptedReceiverTasks
{
    /// <summary>Long enough that the sweeper never runs in a test about the callback path.</summary>
    public static readonly CallbackReceiverOptions NoSweep = new() { SweepAfter = TimeSpan.FromMinutes(5), UnknownCallbackGrace = TimeSpan.Zero };

    public static HiApiTask Submitted(string id) => new(id)
    {
        Status = HiApiTaskStatus.Queued,
        Model = HiApiModels.TextToVideo,
        SubmittedAt = DateTimeOffset.UtcNow,
        Request = new VideoRequest
        {
            Prompt = $"prompt of {id}",
        },
    };

    public static string Success(string id) => ApiJson.Success(id, $"https://temp.example/{id}.mp4", 1783131245);

    public static async Task<CallbackEvent> NextAsync(CallbackReceiver receiver) =>
        (await Eventually.WithinAsync(receiver.ReadAsync(CancellationToken.None)))!;
}
