namespace HiApi.Video.Infrastructure;

/// <summary>Work queued by a cmdlet that knows which object its error records should name (the task, not the job).</summary>
internal interface IErrorTarget
{
    object? ErrorTarget { get; }
}
