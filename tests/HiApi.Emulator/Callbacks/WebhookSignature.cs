using System.Security.Cryptography;
using System.Text;

namespace HiApi.Emulator.Callbacks;

/// <summary>
/// Signed callbacks as the SDK documents them: <c>X-HiAPI-Timestamp</c> (Unix seconds, as text) and
/// <c>X-HiAPI-Signature</c>, the lowercase hex of HMAC-SHA256(key, UTF-8(timestamp + ".") + raw body), computed over
/// exactly the bytes sent.
/// </summary>
internal static class WebhookSignature
{
    public const string TimestampHeader = "X-HiAPI-Timestamp";
    public const string SignatureHeader = "X-HiAPI-Signature";

    public static string Sign(string signingKey, string timestamp, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(signingKey));
        hmac.AppendData(Encoding.UTF8.GetBytes(timestamp + "."));
        hmac.AppendData(body);
        return Convert.ToHexStringLower(hmac.GetHashAndReset());
    }
}
