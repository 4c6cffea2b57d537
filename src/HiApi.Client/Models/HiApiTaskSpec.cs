namespace HiApi.Client;

/// <summary>
/// What <see cref="HiApiTaskFactory.Create"/> builds a task from; every field is optional. PowerShell converts a
/// hashtable to it (<c>@{ Status = 'Fail'; Prompt = 'a dragon' }</c>), so a test names only what it cares about.
/// </summary>
public sealed class HiApiTaskSpec
{
    /// <summary>Default: a new id shaped like the API's (<c>tk-hiapi-</c> and 26 characters).</summary>
    public string? TaskId { get; set; }

    /// <summary>Default: <see cref="HiApiTaskStatus.Success"/>.</summary>
    public HiApiTaskStatus Status { get; set; } = HiApiTaskStatus.Success;

    public string? Prompt { get; set; }

    /// <summary>Default: image-to-video with an <see cref="ImageUrl"/>, else text-to-video.</summary>
    public string? Model { get; set; }

    public int? Duration { get; set; }

    public string? Resolution { get; set; }

    public string? AspectRatio { get; set; }

    public string? ImageUrl { get; set; }

    public string? CallbackUrl { get; set; }

    /// <summary>A success's video URL. Default: a temporary storage URL of the task (it does not exist: mock Save-HiApiVideo too, or use Start-HiApiMock).</summary>
    public string? VideoUrl { get; set; }

    /// <summary>When the video URL expires. Default: 7 days after <see cref="SubmittedAt"/>, the default plan's lifetime.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>A failure's code. Default: <c>generation_failed</c>.</summary>
    public string? ErrorCode { get; set; }

    /// <summary>A failure's message. Default: the API's words for a prompt that could not be rendered.</summary>
    public string? ErrorMessage { get; set; }

    public string? IdempotencyKey { get; set; }

    /// <summary>The batch the task belongs to, as New-HiApiVideoTask -Batch writes it.</summary>
    public string? Batch { get; set; }

    /// <summary>The task's input's position (1, 2, ...) in its run.</summary>
    public int? InputNumber { get; set; }

    /// <summary>
    /// The rest of the row the task was made from, such as <c>[ordered]@{ Scene = 12; Shot = 3 }</c> (kept as text, as
    /// New-HiApiVideoTask keeps it: see <see cref="TaskRow"/>).
    /// </summary>
    public System.Collections.IDictionary? Row { get; set; }

    /// <summary>When the task was submitted (and created). Default: now.</summary>
    public DateTimeOffset? SubmittedAt { get; set; }
}
