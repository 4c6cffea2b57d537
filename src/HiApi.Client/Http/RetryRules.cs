using System.Net.Sockets;

namespace HiApi.Client;

/// <summary>
/// The one place that decides, for every request this library makes (API calls and downloads), what a failed attempt
/// proves and whether it may be retried. <see cref="RetryPolicy"/> decides how long to wait; this decides whether.
/// </summary>
/// <remarks>
/// A create's outcome is the worst any attempt left, never the last attempt's alone: once an attempt may have created a
/// task (no answer, a timeout, a 5xx, a 409 while the first request with the key is still running), a later 503, 429
/// or refusal does not prove that no task exists. Only a task id does. <see cref="CreateOutcome"/> keeps that.
/// </remarks>
public static class RetryRules
{
    /// <summary>What an answer with HTTP <paramref name="status"/> (not 2xx) proves.</summary>
    public static AttemptVerdict ForStatus(int status) => status switch
    {
        // Refused as asked: the request was read and turned down before anything was done. Not worth repeating.
        400 or 401 or 402 or 403 or 404 or 422 => new(Retryable: false, MayHaveTakenEffect: false),
        // Rate limited, or the service is unavailable: refused before any work (the contract retries even a keyless
        // create after these two), so nothing was done, and later it may work.
        429 or 503 => new(Retryable: true, MayHaveTakenEffect: false),
        // 409 IDEMPOTENCY_KEY_PROCESSING: a request with this key is running right now, so a task may well come of it.
        // 408 and other 5xx: the server got the request and failed somewhere; what it did first is unknown.
        408 or 409 or (>= 500 and < 600) => new(Retryable: true, MayHaveTakenEffect: true),
        // Anything else (a redirect the client did not follow, 405, 413, ...) is not the API's answer: not retried, and
        // nothing it says proves that the request was not acted on.
        _ => new(Retryable: false, MayHaveTakenEffect: true),
    };

    /// <summary>
    /// What a failure without an answer proves: a connection that was never opened proves the request was not sent;
    /// anything later (a reset, a timeout, an answer cut off) leaves the outcome unknown.
    /// </summary>
    public static AttemptVerdict ForNoAnswer(Exception failure, bool timedOut)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var notSent = !timedOut && ProvesRequestNotSent(failure);
        return new(Retryable: true, MayHaveTakenEffect: !notSent);
    }

    /// <summary>An answer that arrived but cannot be used (too large, not the API's JSON): the server acted, or may have.</summary>
    public static AttemptVerdict ForUnusableAnswer() => new(Retryable: false, MayHaveTakenEffect: true);

    /// <summary>Whether an attempt with <paramref name="verdict"/> may be sent again, for a request of <paramref name="safety"/>.</summary>
    public static bool MayRetry(AttemptVerdict verdict, RequestSafety safety) =>
        verdict.Retryable && (safety != RequestSafety.Unsafe || !verdict.MayHaveTakenEffect);

    /// <summary>
    /// Whether an error that already ended a request (its own retries spent) is a passing one: worth asking again
    /// later, as a wait does with its next poll. A 429, a 5xx, a network failure: yes; a refusal or a broken answer: no.
    /// </summary>
    public static bool IsPassing(HiApiException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (error.StatusCode is { } status and not (>= 200 and < 300))
        {
            return ForStatus(status).Retryable;
        }

        return error.Kind is HiApiErrorKind.Network;
    }

    /// <summary>True for a failure before any connection existed: the request provably never reached the server.</summary>
    internal static bool ProvesRequestNotSent(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is SocketException socket && socket.SocketErrorCode is
                    SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.HostUnreachable
                    or SocketError.NetworkUnreachable or SocketError.TryAgain or SocketError.NoData)
            {
                return true;
            }

            // A proxy that would not open the tunnel (407, 403, 502 to the CONNECT) never passed the request on.
            if (current is HttpRequestException http && http.HttpRequestError is
                    HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError
                    or HttpRequestError.ProxyTunnelError)
            {
                return true;
            }
        }

        return false;
    }
}
