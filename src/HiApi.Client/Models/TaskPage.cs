namespace HiApi.Client;

/// <summary>One page of <c>GET /v1/tasks</c>: the key's tasks, newest first.</summary>
public sealed class TaskPage
{
    public TaskPage(IReadOnlyList<HiApiTask> tasks, int page, int size, int? total)
    {
        Tasks = tasks ?? throw new ArgumentNullException(nameof(tasks));
        Page = page;
        Size = size;
        Total = total;
    }

    public IReadOnlyList<HiApiTask> Tasks { get; }

    public int Page { get; }

    public int Size { get; }

    /// <summary>All of the key's tasks, when the API says (a bare array does not).</summary>
    public int? Total { get; }

    /// <summary>Whether a next page can hold more: a short page is the last one.</summary>
    public bool HasMore => Total is { } total ? Page * Size < total : Tasks.Count >= Size;
}
