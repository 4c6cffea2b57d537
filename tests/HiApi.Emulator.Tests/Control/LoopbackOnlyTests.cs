using System.Net;
using HiApi.Emulator.Hosting;
using Microsoft.AspNetCore.Http;

namespace HiApi.Emulator.Tests.Control;

/// <summary>The control endpoints refuse callers that are not on this machine.</summary>
public sealed class LoopbackOnlyTests
{
    [Theory]
    [InlineData("10.1.2.3")]
    [InlineData("192.168.0.20")]
    [InlineData("2001:db8::1")]
    public async Task Remote_callers_get_403_and_never_reach_the_endpoint(string remote)
    {
        var reached = false;
        var guard = new LoopbackOnlyMiddleware(_ => { reached = true; return Task.CompletedTask; });
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        context.Request.Path = "/_emulator/faults";

        await guard.InvokeAsync(context);

        Assert.False(reached);
        Assert.Equal(403, context.Response.StatusCode);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.8.9.10")]
    [InlineData("::1")]
    public async Task Loopback_callers_pass(string remote)
    {
        var reached = false;
        var guard = new LoopbackOnlyMiddleware(_ => { reached = true; return Task.CompletedTask; });
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(remote);

        await guard.InvokeAsync(context);

        Assert.True(reached);
    }
}
