using HiApi.Emulator;

namespace HiApi.Contract.Tests.Support;

/// <summary>The team's full-fidelity emulator, configured to the contract settings, with one key of its own.</summary>
public sealed class EmulatorContractServer : ContractServer
{
    private const string Key = "sk-test-contract";
    private readonly EmulatorServer _server;

    private EmulatorContractServer(EmulatorServer server) => _server = server;

    public static async Task<ContractServer> StartAsync(ContractSettings settings)
    {
        var quarter = settings.RenderMs / 4;
        var server = await EmulatorServer.StartAsync(new EmulatorOptions
        {
            ApiKeys = [new EmulatorApiKey { Key = Key, Balance = settings.Balance }],
            QueuedMs = quarter,
            HandlingMs = settings.RenderMs - 2 * quarter,
            ArchivingMs = quarter,
            OutputLifetimeSeconds = settings.OutputLifetimeSeconds,
            WebhookSigningKey = settings.WebhookSecret,
            CallbackWrapped = settings.CallbackWrapped,
            CreateProcessingMs = settings.CreateDelayMs,
        });
        return new EmulatorContractServer(server);
    }

    public override Uri BaseUri => _server.BaseAddress;

    public override string ApiKey => Key;

    public override IReadOnlyList<string> TaskIds => _server.Tasks.Select(task => task.TaskId).ToList();

    public override IReadOnlyList<SentCallback> Callbacks =>
        _server.CallbackDeliveries.Select(d => new SentCallback(d.TaskId, d.Body, d.StatusCode, d.Signature is not null)).ToList();

    public override void RefuseNextCreateWith429() => _server.Options.Faults = new FaultOptions { TooManyRequestsRate = 1 };

    public override void StopRefusing() => _server.Options.Faults = new FaultOptions();

    public override ValueTask DisposeAsync() => _server.DisposeAsync();

    public override string ToString() => Emulator;
}
