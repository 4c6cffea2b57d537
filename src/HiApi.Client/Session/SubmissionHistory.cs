namespace HiApi.Client;

/// <summary>
/// What earlier runs already submitted, by request, for <c>New-HiApiVideoTask -Resume</c>: re-running a storyboard
/// after a crash hands back the task each row already has instead of paying for it again. The n-th input with a given
/// request claims the n-th earlier submission of that request (oldest first), so a storyboard that asks for the same
/// shot twice gets two tasks. A task that failed is not handed back (a failed task is not charged: the row is sent
/// again), nor is a submission the API refused; one whose answer never came is settled with its own key.
/// </summary>
public sealed class SubmissionHistory
{
    private readonly Dictionary<string, Queue<EarlierSubmission>> _byRequest = new(StringComparer.Ordinal);

    private SubmissionHistory()
    {
    }

    public static SubmissionHistory Empty { get; } = new();

    internal static SubmissionHistory From(IEnumerable<LedgerEntry> tasks, IEnumerable<LedgerSubmission> unresolved)
    {
        var history = new SubmissionHistory();
        var earlier = tasks
            .Where(entry => !entry.IsFailed && entry.Model is not null)
            .Select(entry => (At: entry.SubmittedAt, Key: Signature(entry.Model!, entry.Prompt, entry.ImageUrl, entry.AspectRatio, entry.Resolution, entry.Duration, entry.CallbackUrl),
                Earlier: new EarlierSubmission(LedgerTaskMapper.ToTask(entry), null)))
            .Concat(unresolved.Select(submission => (At: submission.SubmittedAt, Key: Signature(submission.Request),
                Earlier: new EarlierSubmission(null, submission))))
            .OrderBy(item => item.At ?? DateTimeOffset.MinValue);
        foreach (var (_, key, submission) in earlier)
        {
            if (!history._byRequest.TryGetValue(key, out var queue))
            {
                history._byRequest[key] = queue = new Queue<EarlierSubmission>();
            }

            queue.Enqueue(submission);
        }

        return history;
    }

    /// <summary>The earlier submission of the same request not claimed yet, or null: then the request must be sent.</summary>
    public EarlierSubmission? Claim(VideoRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _byRequest.TryGetValue(Signature(request), out var queue) && queue.TryDequeue(out var earlier) ? earlier : null;
    }

    private static string Signature(VideoRequest request) =>
        Signature(request.Model, request.Prompt, request.ImageUrl, request.AspectRatio, request.Resolution, request.Duration, request.CallbackUrl);

    // Exactly what the request body carries; the idempotency key is not part of it (every run draws new ones).
    private static string Signature(string model, string? prompt, string? imageUrl, string? aspectRatio, string? resolution, int? duration, string? callbackUrl) =>
        string.Join('\u001f', model, prompt ?? "\u0000", imageUrl ?? "\u0000", aspectRatio ?? "\u0000", resolution ?? "\u0000",
            duration?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "\u0000", callbackUrl ?? "\u0000");
}
