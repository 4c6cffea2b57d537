namespace HiApi.Contract.Tests.Support;

/// <summary>One of the two servers that keep the contract, started for one test.</summary>
public abstract class ContractServer : IAsyncDisposable
{
    public const string Emulator = "emulator";
    public const string StandIn = "stand-in";

    /// <summary>The servers every contract test runs against.</summary>
    public static readonly IReadOnlyList<string> All = [Emulator, StandIn];

    /// <summary><see cref="All"/> as theory rows.</summary>
    public static TheoryData<string> Names => new(All);

    public abstract Uri BaseUri { get; }

    /// <summary>A key the server accepts (with <see cref="ContractSettings.Balance"/>).</summary>
    public abstract string ApiKey { get; }

    /// <summary>Ids of the tasks made, in creation order.</summary>
    public abstract IReadOnlyList<string> TaskIds { get; }

    /// <summary>Every callback POST attempted so far.</summary>
    public abstract IReadOnlyList<SentCallback> Callbacks { get; }

    /// <summary>Makes the next create a 429 (the emulator: its fault dice; the stand-in: a refusal on demand).</summary>
    public abstract void RefuseNextCreateWith429();

    /// <summary>Undoes <see cref="RefuseNextCreateWith429"/> where it was not used up by one create.</summary>
    public abstract void StopRefusing();

    public abstract ValueTask DisposeAsync();

    public static async Task<ContractServer> StartAsync(string name, ContractSettings? settings = null)
    {
        settings ??= ContractSettings.Default;
        return name switch
        {
            Emulator => await EmulatorContractServer.StartAsync(settings),
            StandIn => StandInContractServer.Start(settings),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
        };
    }
}
