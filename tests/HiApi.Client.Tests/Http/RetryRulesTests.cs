using System.Net.Sockets;

namespace HiApi.Client.Tests;

/// <summary>
/// The one rule for every request (API calls and downloads): what a failed attempt proves, and whether it may be retried.
/// </summary>
public sealed class RetryRulesTests
{
    [Theory]
    [InlineData(400, false, false)]
    [InlineData(401, false, false)]
    [InlineData(402, false, false)]
    [InlineData(403, false, false)]
    [InlineData(404, false, false)]
    [InlineData(422, false, false)]
    [InlineData(429, true, false)]
    [InlineData(503, true, false)]
    [InlineData(408, true, true)]
    [InlineData(409, true, true)]
    [InlineData(500, true, true)]
    [InlineData(502, true, true)]
    [InlineData(504, true, true)]
    [InlineData(599, true, true)]
    [InlineData(405, false, true)]
    [InlineData(302, false, true)]
    public void A_status_says_whether_to_retry_and_whether_the_request_may_have_taken_effect(int status, bool retryable, bool mayHaveTakenEffect) =>
        Assert.Equal(new AttemptVerdict(retryable, mayHaveTakenEffect), RetryRules.ForStatus(status));

    public static TheoryData<string, Exception, bool> Failures() => new()
    {
        { "refused", new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused", new SocketException((int)SocketError.ConnectionRefused)), true },
        { "dns", new HttpRequestException(HttpRequestError.NameResolutionError, "Name or service not known", new SocketException((int)SocketError.HostNotFound)), true },
        { "tls handshake", new HttpRequestException(HttpRequestError.SecureConnectionError, "The SSL connection could not be established"), true },
        { "proxy refused the tunnel", new HttpRequestException(HttpRequestError.ProxyTunnelError, "The proxy tunnel request to proxy 'http://proxy:3128/' failed with status code '407'."), true },
        { "bare socket refusal", new SocketException((int)SocketError.ConnectionRefused), true },
        { "answer cut short", new HttpRequestException(HttpRequestError.ResponseEnded, "An error occurred while sending the request.", new IOException("The response ended prematurely.")), false },
        { "reset mid-answer", new HttpRequestException(HttpRequestError.Unknown, "Error while copying content", new IOException("reset", new SocketException((int)SocketError.ConnectionReset))), false },
        { "plain io", new IOException("Unable to read data from the transport connection"), false },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Only_failures_before_a_connection_existed_prove_nothing_was_sent(string name, Exception failure, bool provesNotSent)
    {
        var verdict = RetryRules.ForNoAnswer(failure, timedOut: false);
        Assert.True(verdict.Retryable, name);
        Assert.True(verdict.MayHaveTakenEffect == !provesNotSent, name);
    }

    [Fact]
    public void A_timeout_proves_nothing_even_when_its_cause_looks_like_a_refusal()
    {
        var refusedLooking = new HttpRequestException(HttpRequestError.ConnectionError, "x", new SocketException((int)SocketError.ConnectionRefused));
        Assert.Equal(new AttemptVerdict(true, true), RetryRules.ForNoAnswer(refusedLooking, timedOut: true));
    }

    [Fact]
    public void An_unusable_answer_is_not_retried_and_may_have_taken_effect() =>
        Assert.Equal(new AttemptVerdict(false, true), RetryRules.ForUnusableAnswer());

    [Theory]
    [InlineData(true, false, RequestSafety.Safe, true)]
    [InlineData(true, true, RequestSafety.Safe, true)]
    [InlineData(true, true, RequestSafety.Idempotent, true)]
    [InlineData(true, false, RequestSafety.Unsafe, true)]
    [InlineData(true, true, RequestSafety.Unsafe, false)]
    [InlineData(false, false, RequestSafety.Safe, false)]
    [InlineData(false, true, RequestSafety.Idempotent, false)]
    public void A_create_without_a_key_is_retried_only_when_the_first_attempt_provably_did_nothing(
        bool retryable, bool mayHaveTakenEffect, RequestSafety safety, bool mayRetry) =>
        Assert.Equal(mayRetry, RetryRules.MayRetry(new AttemptVerdict(retryable, mayHaveTakenEffect), safety));

    [Fact]
    public void A_passing_error_is_a_retryable_status_or_a_network_failure()
    {
        Assert.True(RetryRules.IsPassing(Error(HiApiErrorKind.RateLimited, 429)));
        Assert.True(RetryRules.IsPassing(Error(HiApiErrorKind.ServerError, 502)));
        Assert.True(RetryRules.IsPassing(Error(HiApiErrorKind.ServerError, 409)));
        Assert.True(RetryRules.IsPassing(Error(HiApiErrorKind.Network, null)));
        Assert.False(RetryRules.IsPassing(Error(HiApiErrorKind.Unauthorized, 401)));
        Assert.False(RetryRules.IsPassing(Error(HiApiErrorKind.NotFound, 404)));
        // A 200 whose body is not the API's: a broken answer, not a passing condition.
        Assert.False(RetryRules.IsPassing(Error(HiApiErrorKind.InvalidResponse, 200)));
        Assert.False(RetryRules.IsPassing(Error(HiApiErrorKind.FileSystem, null)));
    }

    [Fact]
    public void A_create_outcome_once_unknown_stays_unknown()
    {
        var outcome = new CreateOutcome();
        outcome.Observe(RetryRules.ForStatus(429), "429");
        Assert.False(outcome.MayHaveBeenCreated);
        outcome.Observe(RetryRules.ForStatus(500), "500 Internal Server Error");
        outcome.Observe(RetryRules.ForStatus(503), "503");
        outcome.Observe(RetryRules.ForStatus(402), "402");
        Assert.True(outcome.MayHaveBeenCreated);
        Assert.Equal("500 Internal Server Error", outcome.FirstUnknownReason);
    }

    private static HiApiException Error(HiApiErrorKind kind, int? status) => new(kind, "x") { StatusCode = status };
}
