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

    public IReadOnlyList<EmulatedTaskInfo> Snapshot() => _inOrder.Select(task => task.ToInfo()).ToArray();

    public int Count => _byId.Count;
}
