using System.Diagnostics;

namespace HiApi.Client;

/// <summary>
/// The secret, wrapped so it cannot leak by accident: no public getter, a redacted
/// <see cref="ToString"/>, and a debugger view that shows nothing. Only the HTTP layer reads it,
/// to build the <c>Authorization</c> header for the API host.
/// </summary>
[DebuggerDisplay("ApiKey(redacted)")]
public sealed class ApiKey
{
    public const string PrimaryEnvironmentVariable = "HIAPI_API_KEY";
    public const string SecondaryEnvironmentVariable = "HIAPI_KEY";

    private readonly string _value;

    public ApiKey(string value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException("The API key must not be empty.", nameof(value));
        }

        // Keys copied from files often carry a trailing newline; anything else odd would make the
        // header builder throw an exception that quotes the value, so refuse it here, unquoted.
        var trimmed = value.Trim();
        foreach (var c in trimmed)
        {
            if (c <= ' ' || c > '~')
            {
                throw new ArgumentException(
                    "The API key contains a space, control or non-ASCII character; it cannot be sent in an HTTP header.",
                    nameof(value));
            }
        }

        _value = trimmed;
    }

    /// <summary>
    /// The key to use: <paramref name="explicitKey"/> (the <c>-ApiKey</c> parameter), else
    /// <c>HIAPI_API_KEY</c>, else <c>HIAPI_KEY</c>. None of them: a configuration error before any request.
    /// </summary>
    public static ApiKey Resolve(string? explicitKey, Func<string, string?>? getEnvironmentVariable = null)
    {
        getEnvironmentVariable ??= Environment.GetEnvironmentVariable;
        var candidates = new[]
        {
            explicitKey,
            getEnvironmentVariable(PrimaryEnvironmentVariable),
            getEnvironmentVariable(SecondaryEnvironmentVariable),
        };

        foreach (var candidate in candidates)
        {
            if (!string.IsNullOrWhiteSpace(candidate))
            {
                try
                {
                    return new ApiKey(candidate);
                }
                catch (ArgumentException ex)
                {
                    throw new HiApiException(HiApiErrorKind.Configuration, ex.Message);
                }
            }
        }

        throw new HiApiException(
            HiApiErrorKind.Configuration,
            $"No HiAPI key found: pass -ApiKey, or set the {PrimaryEnvironmentVariable} (or {SecondaryEnvironmentVariable}) environment variable.");
    }

    /// <summary>The secret itself; for the <c>Authorization</c> header of API requests only.</summary>
    internal string Reveal() => _value;

    /// <summary>Removes the secret from text that came from elsewhere (a server may echo headers back).</summary>
    internal string Redact(string text) =>
        string.IsNullOrEmpty(text) ? text : text.Replace(_value, "sk-…redacted", StringComparison.Ordinal);

    internal bool IsIn(string text) => text.Contains(_value, StringComparison.Ordinal);

    public override string ToString() => "ApiKey(sk-…redacted)";
}
