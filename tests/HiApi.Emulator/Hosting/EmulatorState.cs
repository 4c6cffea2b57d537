using HiApi.Emulator.Billing;
using HiApi.Emulator.Callbacks;
using HiApi.Emulator.Faults;
using HiApi.Emulator.Idempotency;
using HiApi.Emulator.Recording;
using HiApi.Emulator.Storage;
using HiApi.Emulator.Tasks;
using HiApi.Emulator.Throttling;
using HiApi.Mock.Tasks;

namespace HiApi.Emulator.Hosting;

/// <summary>Everything one emulator instance knows; shared by its endpoints and its <see cref="EmulatorServer"/>.</summary>
internal sealed class EmulatorState
{
    public EmulatorState(EmulatorOptions options, TimeProvider clock)
    {
        Options = options;
        Clock = clock;
        RateLimiter = new RateLimiter(clock);
        Idempotency = new IdempotencyStore(clock);
        Faults = new FaultInjector(options.RandomSeed);
        Callbacks = new CallbackDispatcher(this);
    }

    public EmulatorOptions Options { get; }

    /// <summary>All emulated time: task lifecycles, expiry, rate windows. Tests may drive it by hand.</summary>
    public TimeProvider Clock { get; }
    public TaskStore Tasks { get; } = new();
    public TaskIdGenerator TaskIds { get; } = new();
    public BalanceLedger Ledger { get; } = new();
    public RateLimiter RateLimiter { get; }
    public IdempotencyStore Idempotency { get; }
    public FaultInjector Faults { get; }
    public SignedUrlSigner Signer { get; } = new();
    public VideoContent Video { get; } = VideoContent.LoadEmbedded();
    public RequestLog Requests { get; } = new();
    public CallbackLog CallbackLog { get; } = new();
    public CallbackDispatcher Callbacks { get; }

    /// <summary>Busy answers still owed to creates since the last task was made (see <see cref="EmulatorOptions.BusyAfterCreateCount"/>).</summary>
    public int BusyCreatesLeft;

    /// <summary>Where the emulator listens, with a trailing slash; output URLs are built on it.</summary>
    public Uri BaseAddress { get; set; } = new("http://127.0.0.1/");

    /// <summary>The configured key with exactly this secret (ordinal), if any.</summary>
    public EmulatorApiKey? FindKey(string secret)
    {
        // Copy the reference: the control endpoint may swap the list while a request reads it.
        var keys = Options.ApiKeys;
        return keys.FirstOrDefault(key => key.Key.Length > 0 && string.Equals(key.Key, secret, StringComparison.Ordinal));
    }

    /// <summary>Replaces the key list; spending starts over so the new balances apply as configured.</summary>
    public void ReplaceKeys(List<EmulatorApiKey> keys)
    {
        Options.ApiKeys = keys;
        Ledger.ResetSpending();
    }
}
