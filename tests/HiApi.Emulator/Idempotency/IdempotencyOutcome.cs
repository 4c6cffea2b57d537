namespace HiApi.Emulator.Idempotency;

/// <summary>What a create carrying an <c>Idempotency-Key</c> finds.</summary>
internal enum IdempotencyOutcome
{
    /// <summary>The key is new (or its window passed): this create owns it now.</summary>
    Claimed,

    /// <summary>Same key, same body, within the window: answer with the first task.</summary>
    Replay,

    /// <summary>Same key, different body: 422.</summary>
    Mismatch,

    /// <summary>The first create with this key has not made its task yet: 409.</summary>
    Processing,
}
