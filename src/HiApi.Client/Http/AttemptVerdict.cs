namespace HiApi.Client;

/// <summary>
/// What one failed attempt of a request proves: whether trying again could succeed, and whether the attempt may have
/// taken effect on the server (for a create: whether a paid task may exist). Decided by <see cref="RetryRules"/>.
/// </summary>
/// <param name="Retryable">The same request later could succeed (a passing condition: 429, 5xx, a network failure).</param>
/// <param name="MayHaveTakenEffect">The server may have acted on the request; only an answer can prove otherwise.</param>
public readonly record struct AttemptVerdict(bool Retryable, bool MayHaveTakenEffect);
