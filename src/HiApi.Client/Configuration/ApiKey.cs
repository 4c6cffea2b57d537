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

        return null;
    }

    /// <summary>The secret itself; for the <c>Authorization</c> header of API requests only.</summary>
    internal string Reveal() => _value;

    /// <summary>The shortest run of the key's characters that counts as part of the key when found in other text.</summary>
    internal const int MinimumLeakRun = 8;

    private const string Redacted = "sk-…redacted";

    /// <summary>
    /// Removes the secret from text that came from elsewhere (a server may echo headers back): the whole key, and any
    /// run of <see cref="MinimumLeakRun"/> or more of its characters in a row, in any letter case, so that text cut in
    /// the middle of an echoed key (an excerpt, a proxy's truncated page) or re-cased by it still shows none of it.
    /// </summary>
    internal string Redact(string text)
    {
        if (string.IsNullOrEmpty(text) || text.Length < Math.Min(MinimumLeakRun, _value.Length))
        {
            return text;
        }

        // Case-insensitive: a page may echo the header lower-cased ("bearer sk-abc…"). Upper-casing maps char to char,
        // so positions in the upper-cased copy are positions in the text.
        var run = Math.Min(MinimumLeakRun, _value.Length);
        bool[]? covered = null;
        var key = _value.ToUpperInvariant().AsSpan();
        var folded = text.ToUpperInvariant();
        for (var i = 0; i + run <= text.Length; i++)
        {
            var window = folded.AsSpan(i, run);
            for (var start = key.IndexOf(window[0]); start >= 0 && start + run <= key.Length; start = NextIndex(key, window[0], start))
            {
                if (key.Slice(start, run).SequenceEqual(window))
                {
                    covered ??= new bool[text.Length];
                    covered.AsSpan(i, run).Fill(true);
                    break;
                }
            }
        }

        if (covered is null)
        {
            return text;
        }

        var result = new System.Text.StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (!covered[i])
            {
                result.Append(text[i]);
            }
            else if (i == 0 || !covered[i - 1])
            {
                result.Append(Redacted);
            }
        }

        return result.ToString();
    }

    /// <summary>Whether the key, or a run of it long enough to count, appears in <paramref name="text"/>.</summary>
    internal bool IsIn(string text) => !ReferenceEquals(Redact(text), text);

    private static int NextIndex(ReadOnlySpan<char> key, char c, int after)
    {
        var next = key[(after + 1)..].IndexOf(c);
        return next < 0 ? -1 : after + 1 + next;
    }

    public override string ToString() => "ApiKey(sk-…redacted)";
}
