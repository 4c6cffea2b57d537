namespace HiApi.Client;

/// <summary>One entry of a task's <c>output</c>: a temporary signed URL that expires.</summary>
public sealed class TaskOutput
{
    public TaskOutput(string type, string url, DateTimeOffset? expiresAt)
    {
        Type = type ?? string.Empty;
        Url = url ?? throw new ArgumentNullException(nameof(url));
        ExpiresAt = expiresAt;
    }

    public string Type { get; }
    public string Url { get; }

    /// <summary>When temporary storage drops the file (the API's <c>expireAt</c>).</summary>
    public DateTimeOffset? ExpiresAt { get; }

    public override string ToString() => $"{Type} {Url}";
}
