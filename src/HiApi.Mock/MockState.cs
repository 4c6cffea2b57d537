using System.Collections.Concurrent;
using System.Security.Cryptography;
using HiApi.Mock.Billing;
using HiApi.Mock.Callbacks;
using HiApi.Mock.Idempotency;
using HiApi.Mock.Storage;
using HiApi.Mock.Tasks;

namespace HiApi.Mock;

/// <summary>Everything one stand-in knows; shared by its routes and its <see cref="MockServer"/>.</summary>
internal sealed class MockState
{
    public MockState(MockOptions options, TimeProvider clock)
    {
        Options = options;
        Clock = clock;
        Idempotency = new IdempotencyBook(clock);
        Callbacks = new CallbackSender(this);
    }

    public MockOptions Options { get; }

    public TimeProvider Clock { get; }

    /// <summary>The only key the stand-in accepts: made up per instance, never a real one.</summary>
    public string ApiKey { get; } = "sk-mock-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();

    public Uri BaseUri { get; set; } = null!;

    public StandInTaskStore Tasks { get; } = new();

    public TaskIdGenerator TaskIds { get; } = new();

    public IdempotencyBook Idempotency { get; }

    public Balance Balance { get; } = new();

    public SignedUrls Urls { get; } = new();

    public CallbackSender Callbacks { get; }

    /// <summary>Statuses the next creates answer with, one each, before the stand-in serves creates normally again.</summary>
    public ConcurrentQueue<int> Refusals { get; } = new();

    public RequestLog Requests { get; } = new();
}
