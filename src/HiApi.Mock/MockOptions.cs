using HiApi.Client;

namespace HiApi.Mock;

/// <summary>
/// What shapes the stand-in. The instance a <see cref="MockServer"/> runs with stays live: a change applies to later
/// requests, and a task keeps the render time, price and output lifetime in force when it was created.
/// </summary>
public sealed class MockOptions
{
    /// <summary>
    /// How long a task takes from creation to success: a quarter <c>queued</c>, a half <c>handling</c>, a quarter
    /// <c>archiving</c> (a failing task fails when handling ends). Zero: a task is finished the moment it is created.
    /// </summary>
    public TimeSpan RenderTime { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Prompts that make their task fail (<c>generation_failed</c>), as wildcard patterns matched like PowerShell's
    /// <c>-like</c> against the whole prompt, ignoring case: <c>*</c>, <c>?</c> and <c>[a-z]</c>. A prompt holding
    /// <c>[[fail]]</c> or <c>[[fail:CODE]]</c> fails too, and <c>[[reject]]</c> is refused at once (400 TASK_FAILED),
    /// as in the team's emulator.
    /// </summary>
    public IReadOnlyList<string> FailPrompts { get; set; } = Array.Empty<string>();

    /// <summary>
    /// USD the stand-in's key may spend; null: unlimited. A create reserves its cost (duration, 5 s when none is sent,
    /// x <see cref="PricePerSecond"/>, x <see cref="PriceFactor1080p"/> at 1080p), success charges it, fail releases
    /// it; a create it cannot cover is 402. Billed as the team's emulator bills.
    /// </summary>
    public decimal? Balance { get; set; }

    /// <summary>USD per generated second, for the balance and for the default price list.</summary>
    public decimal PricePerSecond { get; set; } = 0.01m;

    /// <summary>A 1080p second costs this many times <see cref="PricePerSecond"/>; the default price list says so.</summary>
    public decimal PriceFactor1080p { get; set; } = 1.5m;

    /// <summary>
    /// The body of <c>GET /api/pricing</c>, served as given, JSON or not (to test a list the module cannot read); null:
    /// the emulator's default rows, one per happyhorse-1.1 model at <see cref="PricePerSecond"/> per second with a
    /// multiply policy for 1080p at <see cref="PriceFactor1080p"/>, in <c>{"code":200,"data":[...],"message":"success"}</c>.
    /// </summary>
    public string? PriceList { get; set; }

    /// <summary>How long an output URL works after success (<c>expireAt</c> = success time + this, rounded up to a second). Zero: it has expired by the time anyone asks.</summary>
    public TimeSpan OutputLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>With a key, every callback carries <c>X-HiAPI-Timestamp</c> and <c>X-HiAPI-Signature</c>; null: callbacks are unsigned.</summary>
    public WebhookSecret? WebhookSecret { get; set; }

    /// <summary>True: callbacks carry <c>{"code":200,"data":{task},"message":"success"}</c>; false: the bare task.</summary>
    public bool CallbackWrapped { get; set; } = true;

    /// <summary>How long an <c>Idempotency-Key</c> stays bound to its task, from the task's creation (the API's 24 h).</summary>
    public TimeSpan IdempotencyWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The <c>Retry-After</c> seconds of every 429 and 503 the stand-in answers.</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>A create holds this long after its checks, before its task exists: the window in which the same key gets 409.</summary>
    public TimeSpan CreateDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first value out of range.</summary>
    internal void ThrowIfInvalid()
    {
        Require(RenderTime >= TimeSpan.Zero, nameof(RenderTime), "must not be negative");
        Require(OutputLifetime >= TimeSpan.Zero, nameof(OutputLifetime), "must not be negative");
        Require(IdempotencyWindow >= TimeSpan.Zero, nameof(IdempotencyWindow), "must not be negative");
        Require(CreateDelay >= TimeSpan.Zero, nameof(CreateDelay), "must not be negative");
        Require(Balance is null or >= 0, nameof(Balance), "must not be negative");
        Require(PricePerSecond >= 0, nameof(PricePerSecond), "must not be negative");
        Require(PriceFactor1080p > 0, nameof(PriceFactor1080p), "must be positive");
        Require(RetryAfterSeconds >= 0, nameof(RetryAfterSeconds), "must not be negative");
        Require(FailPrompts is not null && FailPrompts.All(p => p is not null), nameof(FailPrompts), "must not be or hold null");
    }

    private static void Require(bool condition, string name, string problem)
    {
        if (!condition)
        {
            throw new ArgumentException($"{name} {problem}.", name);
        }
    }
}
