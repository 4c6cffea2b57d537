using System.Security.Cryptography;

namespace HiApi.Client;

/// <summary>New <c>Idempotency-Key</c> values: one per submission, random, so two identical rows stay two tasks.</summary>
public static class IdempotencyKeys
{
    private const string Prefix = "hiapi-video-";

    /// <summary>
    /// How long HiAPI remembers a key (about 24 hours): a submission older than this cannot be re-sent safely,
    /// because the API would no longer recognise the key and could create a second task.
    /// </summary>
    public static readonly TimeSpan ReplayWindow = TimeSpan.FromHours(23);

    /// <summary>A fresh key: 128 random bits in lower-case hex, with a prefix that tells where it came from.</summary>
    public static string New() => Prefix + Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
}
