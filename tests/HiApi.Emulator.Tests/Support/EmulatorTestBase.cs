namespace HiApi.Emulator.Tests.Support;

/// <summary>
/// One emulator with the fast default timings and a client for it, started before each test and stopped after:
/// the common shape of the contract tests, so each class only says what it checks.
/// </summary>
public abstract class EmulatorTestBase : IAsyncLifetime
{
    protected EmulatorServer Server { get; private set; } = null!;

    protected EmulatorClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await EmulatorServer.StartAsync(FastOptions.Create());
        Client = new EmulatorClient(Server);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }
}
