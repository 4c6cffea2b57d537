using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace HiApi.Mock.Storage;

/// <summary>
/// Signs output URLs as object storage does: the URL alone grants access (no Authorization header), and changing the
/// task or the expiry breaks the signature. The secret is per stand-in.
/// </summary>
internal sealed class SignedUrls
{
    private readonly byte[] _secret = RandomNumberGenerator.GetBytes(32);

    /// <summary><c>&lt;base&gt;storage/&lt;taskId&gt;.mp4?expires=&lt;unix&gt;&amp;sig=&lt;hex&gt;</c>, the emulator's form.</summary>
    public string Build(Uri baseUri, string taskId, long expiresUnixSeconds) =>
        $"{baseUri}storage/{taskId}.mp4?expires={expiresUnixSeconds.ToString(CultureInfo.InvariantCulture)}&sig={Sign(taskId, expiresUnixSeconds)}";

    public bool Verify(string taskId, long expiresUnixSeconds, string signature) =>
        CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(Sign(taskId, expiresUnixSeconds)),
            Encoding.ASCII.GetBytes(signature));

    private string Sign(string taskId, long expiresUnixSeconds) =>
        Convert.ToHexString(HMACSHA256.HashData(_secret, Encoding.UTF8.GetBytes($"{taskId}\n{expiresUnixSeconds.ToString(CultureInfo.InvariantCulture)}")))
            .ToLowerInvariant();
}
