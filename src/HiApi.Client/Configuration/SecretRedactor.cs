using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace HiApi.Client;

/// <summary>
/// Removes secrets (the API key, the webhook signing key) from text that came from elsewhere: HiAPI was sent them and
/// may echo them anywhere in an answer or a callback, and so may a proxy. The library's one redaction mechanism: every
/// path that turns a server's text into something a user can see or keep (an exception, a log line, a retry event, a
/// task, a receipt) goes through an instance of it. It holds any number of secrets, each with its own replacement.
/// </summary>
[DebuggerDisplay("SecretRedactor({_secrets.Length} secrets, redacted)")]
internal sealed class SecretRedactor
{
    /// <summary>The shortest run of a secret's characters that counts as part of it when found in other text.</summary>
    internal const int MinimumLeakRun = 8;

    /// <summary>For a client or listener without secrets: changes nothing.</summary>
    public static readonly SecretRedactor None = new(Array.Empty<Secret>());

    [DebuggerBrowsable(DebuggerBrowsableState.Never)] // like ApiKey: no debugger view shows a secret
    private readonly Secret[] _secrets;

    /// <param name="secret">The secret itself.</param>
    /// <param name="name">How messages name it ("the API key"), never quoting it.</param>
    /// <param name="replacement">What stands in its place in redacted text.</param>
    public SecretRedactor(string secret, string name, string replacement)
        : this(new[] { new Secret(secret.ToUpperInvariant(), name, replacement) })
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
    }

    private SecretRedactor(Secret[] secrets) => _secrets = secrets;

    /// <summary>One redactor for the secrets of both (either may be null).</summary>
    public static SecretRedactor Combine(SecretRedactor? first, SecretRedactor? second) =>
        first is null || first._secrets.Length == 0 ? second ?? None
        : second is null || second._secrets.Length == 0 ? first
        : new SecretRedactor(first._secrets.Concat(second._secrets).ToArray());

    /// <summary>
    /// <paramref name="text"/> without any secret: the whole of it, and any run of <see cref="MinimumLeakRun"/> or more
    /// of its characters in a row, in any letter case, so that text cut in the middle of an echoed secret (an excerpt, a
    /// proxy's truncated page) or re-cased by it still shows none of it. The same instance when nothing was found.
    /// </summary>
    [return: NotNullIfNotNull(nameof(text))]
    public string? Redact(string? text)
    {
        if (text is null)
        {
            return null;
        }

        foreach (var secret in _secrets)
        {
            text = secret.Redact(text);
        }

        return text;
    }

    /// <summary>Whether a secret, or a run of one long enough to count, appears in <paramref name="text"/>.</summary>
    public bool IsIn(string? text) => Find(text) is not null;

    /// <summary>The name of the first secret found in <paramref name="text"/>, or null.</summary>
    public string? Find(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        foreach (var secret in _secrets)
        {
            if (!ReferenceEquals(secret.Redact(text), text))
            {
                return secret.Name;
            }
        }

        return null;
    }

    /// <summary>
    /// <paramref name="task"/> with every text the server wrote in it redacted (model, status, storage, outputs' types,
    /// the error's code and message). Its id and its video URLs are used as they are (in requests, file names, the
    /// ledger), so they cannot be redacted: a task whose id or URL holds a secret is refused, never quoted.
    /// </summary>
    /// <exception cref="HiApiException">Kind <see cref="HiApiErrorKind.InvalidResponse"/>: the id or a URL holds a secret.</exception>
    public HiApiTask Redact(HiApiTask task, string? requestedTaskId = null)
    {
        if (_secrets.Length == 0)
        {
            return task;
        }

        if (Find(task.TaskId) is { } inId)
        {
            var requested = requestedTaskId is not null && !IsIn(requestedTaskId) ? requestedTaskId : null;
            throw new HiApiException(
                HiApiErrorKind.InvalidResponse,
                $"{(requested is null ? "" : $"Task {requested}: ")}HiAPI named a task whose id holds {inId}; it was not used or recorded.")
            {
                TaskId = requested,
            };
        }

        var outputs = new List<TaskOutput>(task.Outputs.Count);
        foreach (var output in task.Outputs)
        {
            if (Find(output.Url) is { } inUrl)
            {
                throw new HiApiException(
                    HiApiErrorKind.InvalidResponse,
                    $"Task {task.TaskId}: HiAPI gave an output URL that holds {inUrl}; it was not used or recorded.")
                {
                    TaskId = task.TaskId,
                };
            }

            var type = Redact(output.Type);
            outputs.Add(ReferenceEquals(type, output.Type) ? output : new TaskOutput(type, output.Url, output.ExpiresAt));
        }

        var error = task.Error;
        if (error is not null)
        {
            var code = Redact(error.Code);
            var message = Redact(error.Message);
            if (!ReferenceEquals(code, error.Code) || !ReferenceEquals(message, error.Message))
            {
                error = new TaskError(code, message);
            }
        }

        return task.WithServerText(Redact(task.Model), Redact(task.StatusText), Redact(task.Storage), outputs.AsReadOnly(), error);
    }

    /// <summary>One secret, upper-cased once; <see cref="Redact"/> matches any letter case.</summary>
    private sealed class Secret(string folded, string name, string replacement)
    {
        public string Name { get; } = name;

        public string Redact(string text)
        {
            var run = Math.Min(MinimumLeakRun, folded.Length);
            if (text.Length < run)
            {
                return text;
            }

            // Case-insensitive: a page may echo a header lower-cased ("bearer sk-abc..."). Upper-casing maps char to
            // char, so positions in the upper-cased copy are positions in the text.
            bool[]? covered = null;
            var key = folded.AsSpan();
            var upper = text.ToUpperInvariant();
            for (var i = 0; i + run <= text.Length; i++)
            {
                var window = upper.AsSpan(i, run);
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

            var result = new StringBuilder(text.Length);
            for (var i = 0; i < text.Length; i++)
            {
                if (!covered[i])
                {
                    result.Append(text[i]);
                }
                else if (i == 0 || !covered[i - 1])
                {
                    result.Append(replacement);
                }
            }

            return result.ToString();
        }

        private static int NextIndex(ReadOnlySpan<char> key, char c, int after)
        {
            var next = key[(after + 1)..].IndexOf(c);
            return next < 0 ? -1 : after + 1 + next;
        }
    }
}
