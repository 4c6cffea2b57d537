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

    /// <summary>
    /// Adds a planted task, or replaces an earlier planted one with the same id (keeping its place in the order).
    /// False when a task the emulator created has that id: those are never overwritten.
    /// </summary>
    public bool Plant(EmulatedTask task)
    {
        lock (_inOrder)
        {
            if (_byId.TryGetValue(task.Id, out var existing))
            {
                if (existing.Planted is null)
                {
                    return false;
                }
                _byId[task.Id] = task;
                return true;
            }
            Add(task);
            return true;
        }
    }

    public EmulatedTask? Find(string id) => _byId.TryGetValue(id, out var task) ? task : null;

    /// <summary>The key's tasks, newest first: by creation time, then the later-added first.</summary>
    public IReadOnlyList<EmulatedTask> NewestFirstOwnedBy(string apiKey) =>
        InOrder()
            .Select((task, index) => (Task: task, Index: index))
            .Where(entry => string.Equals(entry.Task.ApiKey, apiKey, StringComparison.Ordinal))
            .OrderByDescending(entry => entry.Task.CreatedAt)
            .ThenByDescending(entry => entry.Index)
            .Select(entry => entry.Task)
            .ToList();

    public IReadOnlyList<EmulatedTaskInfo> Snapshot() => InOrder().Select(task => task.ToInfo()).ToArray();

    /// <summary>Every task in the order first added, each in its current version (a re-planted task replaces its first).</summary>
    private IEnumerable<EmulatedTask> InOrder() => _inOrder.Select(task => _byId.TryGetValue(task.Id, out var current) ? current : task);

    public int Count => _byId.Count;
}
