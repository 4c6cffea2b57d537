namespace HiApi.Contract.Tests.Support;

/// <summary>Starts the named server (and a raw client for it) for one test.</summary>
public abstract class ContractTest : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _servers = [];
    private readonly List<IDisposable> _clients = [];

    protected async Task<(ContractServer Server, ApiCalls Api)> StartAsync(string name, ContractSettings? settings = null)
    {
        var server = await ContractServer.StartAsync(name, settings);
        _servers.Add(server);
        var api = new ApiCalls(server);
        _clients.Add(api);
        return (server, api);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }
    }
}
