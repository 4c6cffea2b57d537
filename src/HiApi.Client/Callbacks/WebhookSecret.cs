using System.Diagnostics;
using System.Text;

namespace HiApi.Client;

/// <summary>
/// The webhook signing key set in the HiAPI console, wrapped like <see cref="ApiKey"/> so it cannot leak by accident:
/// no public getter, a redacted <see cref="ToString"/>, nothing for the debugger. Only <see cref="CallbackSignature"/>
/// reads it, to compute an HMAC.
/// </summary>
[DebuggerDisplay("WebhookSecret(redacted)")]
public sealed class WebhookSecret
{
    public const string EnvironmentVariable = "HIAPI_WEBHOOK_SECRET";

    private readonly byte[] _key;

    /// <exception cref="ArgumentException">The secret is blank or has a line break inside (the message never quotes it).</exception>
    public WebhookSecret(string value)
    {
        _key = Normalize(value, out var problem) ?? throw new ArgumentException($"The webhook signing key {problem}");
        Redactor = NewRedactor(_key);
    }

    /// <summary>
    /// The key to check signatures with: <paramref name="explicitSecret"/> (the <c>-WebhookSecret</c> parameter), else
    /// <c>HIAPI_WEBHOOK_SECRET</c>; null when neither is set (callbacks are then unsigned and verified by GET).
    /// </summary>
    /// <exception cref="HiApiException">Kind <see cref="HiApiErrorKind.Configuration"/>: an explicit secret that is empty.</exception>
    public static WebhookSecret? Resolve(string? explicitSecret, Func<string, string?>? getEnvironmentVariable = null)
    {
        if (explicitSecret is not null)
        {
            // Given but blank is a mistake to report, not a reason to accept unsigned callbacks.
            return Normalize(explicitSecret, out var problem) is { } key
                ? new WebhookSecret(key)
                : throw new HiApiException(HiApiErrorKind.Configuration, $"The webhook signing key (-WebhookSecret) {problem}");
        }

        var fromEnvironment = (getEnvironmentVariable ?? Environment.GetEnvironmentVariable)(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return null;
        }

        return Normalize(fromEnvironment, out var why) is { } fromVariable
            ? new WebhookSecret(fromVariable)
            : throw new HiApiException(HiApiErrorKind.Configuration, $"The webhook signing key ({EnvironmentVariable}) {why}");
    }

    private WebhookSecret(byte[] key)
    {
        _key = key;
        Redactor = NewRedactor(key);
    }

    /// <summary>
    /// The key's bytes without the white space around it (a key pasted from a file often ends with a line break that is
    /// not part of it), or null with what is wrong, in words that never quote it. A line break or another control
    /// character inside means two lines were joined: every signature would fail, so it is refused up front.
    /// </summary>
    private static byte[]? Normalize(string? value, out string problem)
    {
        var trimmed = (value ?? string.Empty).Trim();
        if (trimmed.Length == 0)
        {
            problem = "is empty.";
            return null;
        }

        if (trimmed.Any(char.IsControl))
        {
            problem = "holds a line break or another control character inside it; white space at either end is removed, " +
                "but a signing key is one line. Check the file or variable it came from.";
            return null;
        }

        problem = string.Empty;
        return Encoding.UTF8.GetBytes(trimmed);
    }

    /// <summary>The HMAC key; for <see cref="CallbackSignature"/> only.</summary>
    internal ReadOnlySpan<byte> Key => _key;

    /// <summary>
    /// Removes the key from text a callback brought: HiAPI knows it (it signs with it) and a body may repeat it.
    /// </summary>
    internal SecretRedactor Redactor { get; }

    private static SecretRedactor NewRedactor(byte[] key) =>
        new(Encoding.UTF8.GetString(key), "the webhook signing key", "(webhook signing key redacted)");

    public override string ToString() => "WebhookSecret(redacted)";
}
