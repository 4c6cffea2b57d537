namespace HiApi.Emulator.Idempotency;

/// <summary>One claimed key: the body of the create that claimed it and, once that create made a task, its id.</summary>
internal sealed class IdempotencyEntry(byte[] body)
{
    public byte[] Body { get; } = body;

    /// <summary>Null while the first create is still being processed.</summary>
    public string? TaskId { get; set; }

    public DateTimeOffset BoundAt { get; set; }
}
