using System.Globalization;
using HiApi.Mock.Hosting;

namespace HiApi.Mock.Api;

/// <summary>The answers a create can be refused with on demand (<see cref="MockServer.RefuseNextCreates"/>), in the API's shapes.</summary>
internal static class Refusals
{
    public static readonly IReadOnlyList<int> Supported = [401, 402, 403, 429, 500, 503];

    public static MockHttpResponse Answer(int status, decimal estimate, int retryAfterSeconds) => status switch
    {
        401 => MockHttpResponse.Json(401, ApiJson.PermissionDenied),
        402 => MockHttpResponse.Json(402, ApiJson.Error(402, "INSUFFICIENT_BALANCE",
            $"insufficient balance: estimated cost {MoneyFormat.Format(estimate)} exceeds available balance 0")),
        403 => MockHttpResponse.Json(403, ApiJson.Forbidden),
        429 => RetryLater(MockHttpResponse.Json(429, ApiJson.Error(429, "RATE_LIMITED", "rate limit exceeded")), retryAfterSeconds),
        500 => MockHttpResponse.Json(500, ApiJson.Error(500, "INTERNAL_ERROR", "internal error")),
        503 => RetryLater(MockHttpResponse.Json(503, ApiJson.Error(503, "SERVICE_UNAVAILABLE", "service unavailable")), retryAfterSeconds),
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static MockHttpResponse RetryLater(MockHttpResponse response, int seconds) =>
        response.WithHeader("Retry-After", Math.Max(0, seconds).ToString(CultureInfo.InvariantCulture));
}
