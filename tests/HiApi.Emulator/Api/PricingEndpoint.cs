using System.Text;
using HiApi.Emulator.Billing;
using HiApi.Emulator.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HiApi.Emulator.Api;

/// <summary>
/// <c>GET /api/pricing</c>: HiAPI's public price list. It needs no key (an Authorization header is ignored, and the
/// log records whether one was sent). Serves the default rows, or <see cref="EmulatorOptions.PricingBody"/> verbatim;
/// <see cref="EmulatorOptions.PricingStatus"/> makes it answer an error, <see cref="EmulatorOptions.PricingHangs"/>
/// makes it never answer.
/// </summary>
internal sealed class PricingEndpoint(EmulatorState state)
{
    public async Task GetAsync(HttpContext context)
    {
        var options = state.Options;
        if (options.PricingHangs)
        {
            await HangAsync(context);
            return;
        }

        if (options.PricingStatus is { } status)
        {
            // 502 as a proxy's HTML page, like the injected 5xx; any other status as the API's error envelope.
            await (status == StatusCodes.Status502BadGateway
                ? ApiResponses.WriteHtmlAsync(context, status, ApiResponses.BadGatewayHtml)
                : ApiResponses.WriteJsonAsync(context, status, ApiResponses.ErrorEnvelope(
                    status, status >= 500 ? "SERVICE_UNAVAILABLE" : "PRICING_UNAVAILABLE", "pricing is temporarily unavailable")));
            return;
        }

        var answer = options.PricingBody is { } configured ? Encoding.UTF8.GetBytes(configured) : PriceList.DefaultBody(options);
        await ApiResponses.WriteJsonAsync(context, StatusCodes.Status200OK, answer);
    }

    /// <summary>Held, without a thread, until the client leaves or the emulator stops; then closed unanswered.</summary>
    private static async Task HangAsync(HttpContext context)
    {
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
    }
}
