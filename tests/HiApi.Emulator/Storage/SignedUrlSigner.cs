using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace HiApi.Emulator.Storage;

/// <summary>
/// Signs temporary output URLs, like object storage does: the URL alone grants access (no Authorization header),
/// and changing the task or the expiry breaks the signature. The secret is per emulator instance.
/// </summary>
internal sealed class SignedUrlSigner
{
    private readonly byte[] _secret = RandomNumberGenerator.GetBytes(32);

    public string Sign(string taskId, long expiresUnixSeconds)
    {
        var payload = Encoding.UTF8.GetBytes($"{taskId}\n{expiresUnixSeconds.ToString(CultureInfo.InvariantCulture)}");
        return Convert.ToHexStringLower(HMACSHA256.HashData(_secret, payload));
    }

    public bool Verify(string taskId, long expiresUnixSeconds, string signature)
    {
        var expected = Encoding.ASCII.GetBytes(Sign(taskId, expiresUnixSeconds));
        var actual = Encoding.ASCII.GetBytes(signature);
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    /// <summary><c>&lt;base&gt;storage/&lt;taskId&gt;.mp4?expires=&lt;unix&gt;&amp;sig=&lt;hex&gt;</c>.</summary>
    public string BuildUrl(Uri baseAddress, string taskId, long expiresUnixSeconds) =>
        $"{baseAddress}storage/{taskId}.mp4?expires={expiresUnixSeconds.ToString(CultureInfo.InvariantCulture)}&sig={Sign(taskId, expiresUnixSeconds)}";
}
