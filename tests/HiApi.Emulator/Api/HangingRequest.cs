using HiApi.Emulator.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HiApi.Emulator.Api;

/// <summary>
/// <see cref="EmulatorOptions.HangRate"/>: the request is never answered. It awaits a cancellation (the client leaving
/// or the emulator stopping), so a hung request holds no thread; then the connection is closed without a response.
/// </summary>
internal static class HangingRequest
{
    /// <summary>True when the dice chose to hang this request; it has then ended, unanswered.</summary>
    public static async Task<bool> TryHangAsync(HttpContext context, EmulatorState state)
    {
        if (!state.Faults.Roll(state.Options.HangRate))
        {
            return false;
        }
        state.Faults.Counters.CountHungRequest();

        var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var clientGoneOrStopping = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, clientGoneOrStopping.Token);
        }
        catch (OperationCanceledException)
        {
            // The only way out, by design.
        }
        FaultInjection.Drop(context);
        return true;
    }
}
