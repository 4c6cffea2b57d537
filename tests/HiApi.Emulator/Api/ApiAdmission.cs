using HiApi.Emulator.Hosting;
using Microsoft.AspNetCore.Http;

namespace HiApi.Emulator.Api;

/// <summary>
/// The checks every API request passes before its own work, shared by create, get and list so their order cannot
/// drift apart: the hang, the random 429, the other faults (not on create), then auth (401) and the rate limit (429).
/// </summary>
internal sealed class ApiAdmission(EmulatorState state)
{
    /// <summary>
    /// True when a fault answered (or hung) the request. Get and list: hang, random 429, slow / drop / 5xx. A create:
    /// the random 429, and the hang unless <see cref="FaultOptions.FaultCreate"/> moves it (with the other faults)
    /// to after the task was made.
    /// </summary>
    public async Task<bool> RejectedByFaultsAsync(HttpContext context, bool isCreate)
    {
        var faults = state.Options.Faults;
        if ((!isCreate || !faults.FaultCreate) && await HangingRequest.TryHangAsync(context, state))
        {
            return true;
        }
        if (state.Faults.Roll(faults.TooManyRequestsRate))
        {
            state.Faults.Counters.CountTooManyRequests();
            await ApiResponses.TooManyRequestsAsync(context, state.Options.RetryAfterSeconds);
            return true;
        }
        return !isCreate && await FaultInjection.TryInjectAsync(context, state, faults);
    }

    /// <summary>The caller's key, or null after answering 401 (no or unknown key) or 429 (rate limit).</summary>
    public async Task<EmulatorApiKey?> AuthenticateAsync(HttpContext context)
    {
        var key = ApiKeyAuthenticator.Authenticate(context, state);
        if (key is null)
        {
            await ApiResponses.PermissionDeniedAsync(context);
            return null;
        }

        if (!state.RateLimiter.TryAcquire(key.Key, state.Options.RateLimitRequests, state.Options.RateLimitWindowMs))
        {
            await ApiResponses.TooManyRequestsAsync(context, state.Options.RetryAfterSeconds);
            return null;
        }
        return key;
    }
}
