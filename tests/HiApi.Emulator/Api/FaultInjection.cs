using HiApi.Emulator.Hosting;
using Microsoft.AspNetCore.Http;

namespace HiApi.Emulator.Api;

/// <summary>
/// Slow answers, dropped connections and 5xx, in that order of dice. Used before GETs and downloads do their
/// work, and after a create did its work when <see cref="FaultOptions.FaultCreate"/> is on.
/// </summary>
internal static class FaultInjection
{
    public const string DroppedItemKey = "HiApi.Emulator.Dropped";

    /// <summary>True when the request was answered (or dropped) by a fault and the caller must stop.</summary>
    public static async Task<bool> TryInjectAsync(HttpContext context, EmulatorState state, FaultOptions faults)
    {
        if (state.Faults.Roll(faults.SlowResponseRate))
        {
            state.Faults.Counters.CountSlowResponse();
            await Task.Delay(Math.Max(0, faults.SlowResponseDelayMs), context.RequestAborted);
        }

        if (state.Faults.Roll(faults.DropConnectionRate))
        {
            state.Faults.Counters.CountDroppedConnection();
            Drop(context);
            return true;
        }

        if (state.Faults.Roll(faults.ServerErrorRate))
        {
            state.Faults.Counters.CountServerError();
            var kind = state.Faults.NextServerError();
            if (state.Options.EchoAuthorizationInErrorPages)
            {
                await AuthorizationEchoPage.WriteAsync(context, kind, state.Options.EchoAuthorizationAtOffset);
            }
            else
            {
                await ApiResponses.ServerErrorAsync(context, kind);
            }
            return true;
        }
        return false;
    }

    /// <summary>Aborts the connection with no response at all, and marks the request so the log says so.</summary>
    public static void Drop(HttpContext context)
    {
        context.Items[DroppedItemKey] = true;
        context.Abort();
    }
}
