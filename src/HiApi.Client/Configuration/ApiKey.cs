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

    /// <exception cref="ArgumentException">The key is blank, or holds a character an HTTP header cannot carry (never quoted).</exception>
    public ApiKey(string value)
    {
        _value = Normalize(value, out var problem) ?? throw new ArgumentException($"The API key {problem}");
        Redactor = new SecretRedactor(_value, "the API key", "sk-...redacted");
    }

    /// <summary>
    /// The key to use: <paramref name="explicitKey"/> (the <c>-ApiKey</c> parameter), else <c>HIAPI_API_KEY</c>, else
    /// <c>HIAPI_KEY</c>. None of them: a configuration error before any request. A source that is given but unusable
    /// (blank, or a line break inside) is an error naming that source, never a silent fall-back to the next one: that
    /// could bill another account's key.
    /// </summary>
    public static ApiKey Resolve(string? explicitKey, Func<string, string?>? getEnvironmentVariable = null) =>
        ResolveOptional(explicitKey, getEnvironmentVariable)
        ?? throw new HiApiException(
            HiApiErrorKind.Configuration,
            $"No HiAPI key found: pass -ApiKey, or set the {PrimaryEnvironmentVariable} (or {SecondaryEnvironmentVariable}) environment variable.");

    /// <summary>
    /// As <see cref="Resolve"/>, but null when no key is given anywhere, for work that goes on without one (the public
    /// price list). A key that is given but unusable is still a <see cref="HiApiErrorKind.Configuration"/> error.
    /// </summary>
    public static ApiKey? ResolveOptional(string? explicitKey, Func<string, string?>? getEnvironmentVariable = null)
    {
        getEnvironmentVariable ??= Environment.GetEnvironmentVariable;
        var candidates = new (string Source, string? Value)[]
        {
            ("-ApiKey", explicitKey),
            (PrimaryEnvironmentVariable, getEnvironmentVariable(PrimaryEnvironmentVariable)),
            (SecondaryEnvironmentVariable, getEnvironmentVariable(SecondaryEnvironmentVariable)),
        };

        foreach (var (source, value) in candidates)
        {
            // An empty variable is an unset one (PowerShell removes a variable set to ''); -ApiKey '' is given.
            if (value is null || (value.Length == 0 && source != "-ApiKey"))
            {
                continue;
            }

            if (Normalize(value, out var problem) is { } key)
            {
                return new ApiKey(key);
            }

            throw new HiApiException(
                HiApiErrorKind.Configuration,
                $"The API key from {source} {problem} Nothing was sent.");
        }

        return null;
    }

    /// <summary>
    /// The key without the white space around it (a key read from a file often ends with a line break, and a pasted
    /// one may start with a space), or null with what is wrong, in words that never quote the key. Inside the key,
    /// every character must be printable ASCII: anything else would make the header builder throw an exception that
    /// quotes the value, or would not be the key the user meant.
    /// </summary>
    private static string? Normalize(string? value, out string problem)
    {
        var trimmed = (value ?? string.Empty).Trim();
        if (trimmed.Length == 0)
        {
            problem = "is empty (or only white space).";
            return null;
        }

        foreach (var c in trimmed)
        {
            var what = c switch
            {
                '\r' or '\n' => "a line break",
                ' ' => "a space",
                < ' ' or '\u007f' => "a control character",
                > '~' when char.IsWhiteSpace(c) => "a space",
                > '~' => "a non-ASCII character",
                _ => null,
            };
            if (what is not null)
            {
                problem = $"holds {what} inside it, so it cannot be sent in an HTTP header. White space at either end is " +
                    "removed; a key is one line of printable ASCII characters. Check the file or variable it came from " +
                    "(two lines, a pasted ellipsis or quotation mark?).";
                return null;
            }
        }

        problem = string.Empty;
        return trimmed;
    }

    /// <summary>The secret itself; for the <c>Authorization</c> header of API requests only.</summary>
    internal string Reveal() => _value;

    /// <summary>Removes the key from text that came from elsewhere (a server may echo headers back).</summary>
    internal SecretRedactor Redactor { get; }

    public override string ToString() => "ApiKey(sk-...redacted)";
}
