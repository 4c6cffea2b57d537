using System.Collections.Concurrent;

namespace HiApi.Emulator.Tasks;

/// <summary>Every task created, by id and in creation order. Lock-free for reads and appends.</summary>
internal sealed class TaskStore
{
    private readonly ConcurrentDictionary<string, EmulatedTask> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<EmulatedTask> _inOrder = new();

    public void Add(EmulatedTask task)
    {
        if (!_byId.TryAdd(task.Id, task))
        {
            throw new InvalidOperationException($"Task id {task.Id} was generated twice.");
        }
        _inOrder.Enqueue(task);
    }

    public EmulatedTask? Find(string id) => _byId.TryGetValue(id, out var task) ? task : null;

    /// <summary>The key's tasks, newest first: by creation time, then the later-added first.</summary>
    public IReadOnlyList<EmulatedTask> NewestFirstOwnedBy(string apiKey) =>
        _inOrder
            .Select((task, index) => (Task: task, Index: index))
            .Where(entry => string.Equals(entry.Task.ApiKey, apiKey, StringComparison.Ordinal))
            .OrderByDescending(entry => entry.Task.CreatedAt)
            .ThenByDescending(entry => entry.Index)
            .Select(entry => entry.Task)
            .ToList();

    public IReadOnlyList<EmulatedTaskInfo> Snapshot() => _inOrder.Select(task => task.ToInfo()).ToArray();

    public int Count => _byId.Count;
}
