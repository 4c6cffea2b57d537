using HiApi.Client;
using Xunit;

namespace HiApi.Client.Tests.Session;

/// <summary>
/// A refusal of the key or the account stops the inputs it covers, once: the rest of a 50-row pipeline is not sent to be
/// refused the same way 49 more times, and the refusals of inputs already in flight are counted, not repeated.
/// </summary>
public sealed class AccountRefusalTests
{
    private const string Text = HiApiModels.TextToVideo;
    private const string Image = HiApiModels.ImageToVideo;

    private static HiApiException Answered(int status, bool mayExist = false) =>
        new(ApiErrorReader.KindOf(status), $"HiAPI answered {status}.") { StatusCode = status, TaskMayHaveBeenCreated = mayExist };

    [Theory]
    [InlineData(401, true)]
    [InlineData(402, true)]
    [InlineData(403, true)]
    [InlineData(400, false)]
    [InlineData(422, false)]
    [InlineData(429, false)]
    [InlineData(503, false)]
    public void Only_a_refusal_of_the_key_or_the_account_is_account_wide(int status, bool accountWide)
    {
        Assert.Equal(accountWide, AccountRefusal.IsAccountWide(Answered(status)));
    }

    [Fact]
    public void A_lost_answer_is_about_its_own_input()
    {
        var lost = new HiApiException(HiApiErrorKind.Network, "connection reset") { TaskMayHaveBeenCreated = true };
        var refusal = new AccountRefusal();

        Assert.Equal(RefusalReport.Own, refusal.Observe(lost, Text, 1));
        Assert.Null(refusal.Stopping(Text));
    }

    [Fact]
    public void A_401_stops_the_rest_of_its_model_and_not_the_other_model()
    {
        var refusal = new AccountRefusal();

        Assert.Equal(RefusalReport.Own, refusal.Observe(Answered(401), Image, 1));

        Assert.NotNull(refusal.Stopping(Image));
        Assert.Null(refusal.Stopping(Text));
    }

    [Theory]
    [InlineData(402)]
    [InlineData(403)]
    public void A_402_or_403_stops_every_model(int status)
    {
        var refusal = new AccountRefusal();

        refusal.Observe(Answered(status), Text, 1);

        Assert.NotNull(refusal.Stopping(Text));
        Assert.NotNull(refusal.Stopping(Image));
    }

    [Fact]
    public void Inputs_in_flight_refused_the_same_way_are_folded_into_one_summary()
    {
        var refusal = new AccountRefusal();
        Assert.Equal(RefusalReport.Own, refusal.Observe(Answered(401), Text, 3));
        Assert.Equal(RefusalReport.Folded, refusal.Observe(Answered(401), Text, 1));
        Assert.Equal(RefusalReport.Folded, refusal.Observe(Answered(401), Text, 2));
        for (var i = 0; i < 16; i++)
        {
            refusal.NotSent();
        }

        var summary = refusal.Summary("run-1", batchNamed: false);

        Assert.True(refusal.LeftInputsUnsent);
        Assert.Equal(
            "HiAPI refused input 3 with 401 (key, for happyhorse-1.1/text-to-video): 16 more inputs were not sent, and nothing was paid for them; " +
            "2 inputs already in flight were refused the same way (inputs 1, 2). To send them, fix the key, then run the same command again " +
            "with -Resume: inputs that have a task are handed back, not paid for again.",
            summary);
    }

    [Fact]
    public void A_refused_resend_of_an_unanswered_submission_is_always_its_own_error()
    {
        // Its earlier send may have created a task: the user must hear of that input, not a count.
        var refusal = new AccountRefusal();
        refusal.Observe(Answered(401), Text, 1);

        Assert.Equal(RefusalReport.Own, refusal.Observe(Answered(401, mayExist: true), Text, 2));
    }

    [Fact]
    public void The_summary_names_the_batch_and_the_top_up_for_a_402()
    {
        var refusal = new AccountRefusal();
        refusal.Observe(Answered(402), Text, 1);
        refusal.NotSent();

        var summary = refusal.Summary("storyboard", batchNamed: true);

        Assert.Contains("1 more input was not sent, and nothing was paid for it", summary);
        Assert.Contains("top up, then run the same command again with -Batch 'storyboard'", summary);
    }

    [Fact]
    public void Nothing_to_say_without_an_input_left_out_or_folded()
    {
        var refusal = new AccountRefusal();
        refusal.Observe(Answered(401), Text, 1);

        Assert.Null(refusal.Summary("run-1", batchNamed: false));
        Assert.False(refusal.LeftInputsUnsent);
    }
}
