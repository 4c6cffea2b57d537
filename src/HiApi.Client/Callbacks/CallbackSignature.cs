using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace HiApi.Client;

/// <summary>
/// HiAPI's signed callbacks: with a webhook signing key set in the console, each callback carries
/// <c>X-HiAPI-Timestamp</c> (Unix seconds) and <c>X-HiAPI-Signature</c>, the lowercase hex of
/// HMAC-SHA256(key, UTF-8(timestamp + ".") + raw body). The check runs over the bytes as received (re-serialised JSON
/// would differ), compares in constant time, and refuses timestamps more than <see cref="Tolerance"/> from the clock,
/// so a captured callback cannot be replayed later.
/// </summary>
public static class CallbackSignature
{
    public const string TimestampHeader = "X-HiAPI-Timestamp";
    public const string SignatureHeader = "X-HiAPI-Signature";

    /// <summary>The SDK's 300 s: clock skew allowed either way, and how long a captured callback stays replayable.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(300);

    private const int HashBytes = 32;

    /// <summary>The signature HiAPI would send for <paramref name="body"/> at <paramref name="timestamp"/>: lowercase hex.</summary>
    public static string Compute(WebhookSecret secret, string timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(timestamp);
        Span<byte> hash = stackalloc byte[HashBytes];
        Hash(secret, timestamp, body, hash);
        return Convert.ToHexString(hash).ToLowerInvariant();
    }

    /// <summary>
    /// True when <paramref name="signature"/> signs <paramref name="body"/> at <paramref name="timestamp"/> and the
    /// timestamp is within <see cref="Tolerance"/> of <paramref name="now"/>. Otherwise <paramref name="problem"/> says
    /// which (for the receiver's log; never for the sender). Neither the key nor the expected signature is ever quoted.
    /// </summary>
    public static bool TryVerify(
        WebhookSecret secret, string? timestamp, string? signature, ReadOnlySpan<byte> body, DateTimeOffset now, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(secret);
        problem = FindHeaderProblem(timestamp, signature, now);
        if (problem is not null)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[HashBytes];
        Hash(secret, timestamp!, body, expected);
        Span<byte> given = stackalloc byte[HashBytes];
        // Decoded in full before the comparison, and compared in full: how far a guess matches never shows in the timing.
        var wellFormed = TryDecodeHex(signature!.Trim(), given);
        var equal = CryptographicOperations.FixedTimeEquals(expected, given);
        if (wellFormed & equal)
        {
            return true;
        }

        problem = wellFormed
            ? "the signature does not match the body (a forged or altered callback, or another signing key)"
            : "the signature is not 64 hexadecimal digits";
        return false;
    }

    /// <summary>As <see cref="TryVerify"/>, throwing instead.</summary>
    /// <exception cref="HiApiException">Kind <see cref="HiApiErrorKind.InvalidSignature"/>.</exception>
    public static void Verify(WebhookSecret secret, string? timestamp, string? signature, ReadOnlySpan<byte> body, DateTimeOffset now, string? taskId = null)
    {
        if (!TryVerify(secret, timestamp, signature, body, now, out var problem))
        {
            var subject = taskId is null ? "The callback" : $"The callback for task {taskId}";
            throw new HiApiException(HiApiErrorKind.InvalidSignature, $"{subject} is not signed with your webhook signing key: {problem}.")
            {
                TaskId = taskId,
            };
        }
    }

    private static string? FindHeaderProblem(string? timestamp, string? signature, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(signature))
        {
            return $"it has no {SignatureHeader}";
        }

        if (string.IsNullOrWhiteSpace(timestamp))
        {
            return $"it has no {TimestampHeader}";
        }

        if (timestamp.Length > 12 || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return $"its {TimestampHeader} is not Unix seconds";
        }

        var skew = Math.Abs(now.ToUnixTimeSeconds() - seconds);
        return skew > Tolerance.TotalSeconds
            ? $"its {TimestampHeader} is {skew} s away from this computer's clock (more than {Tolerance.TotalSeconds:0} s): a replay, or a clock that is off"
            : null;
    }

    private static void Hash(WebhookSecret secret, string timestamp, ReadOnlySpan<byte> body, Span<byte> destination)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret.Key);
        hmac.AppendData(Encoding.UTF8.GetBytes(timestamp + "."));
        hmac.AppendData(body);
        hmac.GetHashAndReset(destination);
    }

    /// <summary>Hex (either case) into <paramref name="into"/>; every character is decoded even after a bad one.</summary>
    private static bool TryDecodeHex(ReadOnlySpan<char> hex, Span<byte> into)
    {
        if (hex.Length != into.Length * 2)
        {
            into.Clear();
            return false;
        }

        var invalid = 0;
        for (var i = 0; i < into.Length; i++)
        {
            var high = HexValue(hex[2 * i]);
            var low = HexValue(hex[(2 * i) + 1]);
            invalid |= (high | low) & 0x100;
            into[i] = (byte)((high << 4) | (low & 0xF));
        }

        return invalid == 0;
    }

    /// <summary>0..15, or 0x100 for a character that is not a hex digit.</summary>
    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => 0x100,
    };
}
