using HiApi.Client;
using HiApi.Mock;

namespace HiApi.Contract.Tests.Support;

/// <summary>The stand-in shipped with the module, configured to the contract settings.</summary>
public sealed class StandInContractServer : ContractServer
{
    private readonly MockServer _server;
    private readonly bool _owned;

    /// <summary>Wraps a running stand-in; stopped on dispose only when <paramref name="owned"/>.</summary>
    public StandInContractServer(MockServer server, bool owned = true)
    {
        _server = server;
        _owned = owned;
    }

    public static ContractServer Start(ContractSettings settings) => new StandInContractServer(MockServer.Start(new MockOptions
    {
        RenderTime = TimeSpan.FromMilliseconds(settings.RenderMs),
        OutputLifetime = TimeSpan.FromSeconds(settings.OutputLifetimeSeconds),
        Balance = settings.Balance,
        WebhookSecret = settings.WebhookSecret is { } secret ? new WebhookSecret(secret) : null,
        CallbackWrapped = settings.CallbackWrapped,
        CreateDelay = TimeSpan.FromMilliseconds(settings.CreateDelayMs),
    }));

    public MockServer Server => _server;

    public override Uri BaseUri => _server.BaseUri;

    public override string ApiKey => _server.ApiKey;

    public override IReadOnlyList<string> TaskIds => _server.Tasks.Select(task => task.TaskId).ToList();

    public override IReadOnlyList<SentCallback> Callbacks =>
        _server.Callbacks.Select(d => new SentCallback(d.TaskId, d.Body, d.StatusCode, d.Signed)).ToList();

    public override void RefuseNextCreateWith429() => _server.RefuseNextCreates(429);

    public override void StopRefusing()
    {
    }

    public override ValueTask DisposeAsync() => _owned ? _server.DisposeAsync() : ValueTask.CompletedTask;

    public override string ToString() => StandIn;
}
