using Microsoft.Extensions.Hosting;

namespace HiApi.Emulator.Hosting;

/// <summary>
/// Replaces the console lifetime: an in-process emulator must not grab Ctrl+C or SIGTERM from the test host,
/// and the standalone program handles signals itself.
/// </summary>
internal sealed class NoConsoleLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
