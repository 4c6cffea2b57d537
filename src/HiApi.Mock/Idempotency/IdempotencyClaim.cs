namespace HiApi.Mock.Idempotency;

/// <summary>One claimed key: the body of the create that claimed it and, once that create made its task, the task.</summary>
internal sealed class IdempotencyClaim(string key, byte[] body)
{
    public string Key { get; } = key;

    public byte[] Body { get; } = body;

    /// <summary>Null while the first create is still being processed.</summary>
    public string? TaskId { get; set; }

    public DateTimeOffset BoundAt { get; set; }
}
