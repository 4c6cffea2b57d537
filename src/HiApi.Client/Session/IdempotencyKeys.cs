using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace HiApi.Client;

/// <summary>
/// The <c>Idempotency-Key</c> of every submission, decided before anything is sent and derived, never drawn at random:
/// <c>hv1.&lt;h&gt;.&lt;n&gt;</c>, where <c>h</c> is the first 40 lower-case hex digits of SHA-256(UTF-8 batch name, a zero byte,
/// the request's body bytes) and <c>n</c> is the occurrence of that identical request in the run's input (1 for the first,
/// 2 for a second identical row, ...). A later attempt at the same input, after its task failed, adds <c>.&lt;attempt&gt;</c>
/// (<c>.2</c>, <c>.3</c>, ...). Printable ASCII, at most 70 bytes. So running the same input again in the same batch, on
/// this machine or another, sends the same keys, and HiAPI hands back the tasks it made instead of making new ones.
/// </summary>
public static class IdempotencyKeys
{
    public const string Prefix = "hv1.";

    /// <summary>How long HiAPI remembers a key: about 24 hours (the contract's "~24 h" window).</summary>
    public static readonly TimeSpan ServerKeyWindow = TimeSpan.FromHours(24);

    /// <summary>
    /// How long this module re-sends an unanswered submission with its key: an hour inside <see cref="ServerKeyWindow"/>
    /// (for clocks and a window that is "about" 24 hours). Older, the API might no longer recognise the key and could
    /// create a second task: a listing (reconcile) settles it instead.
    /// </summary>
    public static readonly TimeSpan ReplayWindow = ServerKeyWindow - TimeSpan.FromHours(1);

    /// <summary>The longest batch name: a name is shown in errors and views, and a key must stay a short header.</summary>
    public const int MaxBatchNameLength = 200;

    /// <summary>The key of the <paramref name="occurrence"/>-th input with <paramref name="request"/> in <paramref name="batch"/>.</summary>
    public static string Derive(string batch, VideoRequest request, int occurrence, int attempt = 1)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(occurrence, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        var name = Encoding.UTF8.GetBytes(batch);
        var body = request.Body.Span;
        var input = new byte[name.Length + 1 + body.Length];
        name.CopyTo(input, 0);
        body.CopyTo(input.AsSpan(name.Length + 1));
        var hash = Convert.ToHexString(SHA256.HashData(input), 0, 20).ToLowerInvariant();
        var key = $"{Prefix}{hash}.{occurrence.ToString(CultureInfo.InvariantCulture)}";
        return attempt == 1 ? key : $"{key}.{attempt.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>The name of a run without <c>-Batch</c>: its time and 8 random hex digits, so every such run is a new take.</summary>
    public static string NewBatchName(DateTimeOffset now) =>
        $"run-{now.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant()}";

    /// <summary>Null when <paramref name="name"/> can name a batch; otherwise why not, for the user.</summary>
    public static string? CheckBatchName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return "A batch name must not be empty.";
        }

        if (name.Length > MaxBatchNameLength)
        {
            return $"A batch name has at most {MaxBatchNameLength} characters (this one has {name.Length}).";
        }

        if (name.Any(char.IsControl) || UnsendableText.Describe(name) is not null)
        {
            return "A batch name must be printable text (no control characters, no broken characters).";
        }

        return name != name.Trim() ? "A batch name must not start or end with white space." : null;
    }
}
