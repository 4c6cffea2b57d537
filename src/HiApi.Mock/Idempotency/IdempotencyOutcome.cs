namespace HiApi.Mock.Idempotency;

/// <summary>What an <c>Idempotency-Key</c> says about a create.</summary>
internal enum IdempotencyOutcome
{
    /// <summary>The key is new (or its window passed): this create claims it.</summary>
    Claimed,

    /// <summary>Same key, same bytes: answer the first task again.</summary>
    Replay,

    /// <summary>Same key, other bytes: 422.</summary>
    Mismatch,

    /// <summary>The first create with this key has not made its task yet: 409.</summary>
    Processing,
}
