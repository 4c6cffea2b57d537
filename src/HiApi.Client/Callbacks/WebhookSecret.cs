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

    /// <exception cref="ArgumentException">The secret is empty or blank (the message never quotes it).</exception>
    public WebhookSecret(string value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException("The webhook signing key must not be empty.", nameof(value));
        }

        // A key pasted from a file often ends with a newline that is not part of it.
        _key = Encoding.UTF8.GetBytes(value.Trim());
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
            return string.IsNullOrWhiteSpace(explicitSecret)
                ? throw new HiApiException(HiApiErrorKind.Configuration, "The webhook signing key (-WebhookSecret) is empty.")
                : new WebhookSecret(explicitSecret);
        }

        var fromEnvironment = (getEnvironmentVariable ?? Environment.GetEnvironmentVariable)(EnvironmentVariable);
        return string.IsNullOrWhiteSpace(fromEnvironment) ? null : new WebhookSecret(fromEnvironment);
    }

    /// <summary>The HMAC key; for <see cref="CallbackSignature"/> only.</summary>
    internal ReadOnlySpan<byte> Key => _key;

    public override string ToString() => "WebhookSecret(redacted)";
}
