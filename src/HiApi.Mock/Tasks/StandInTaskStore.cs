namespace HiApi.Mock.Tasks;

/// <summary>Every task the stand-in made, in creation order, findable by id.</summary>
internal sealed class StandInTaskStore
{
    private readonly object _gate = new();
    private readonly List<StandInTask> _ordered = [];
    private readonly Dictionary<string, StandInTask> _byId = new(StringComparer.Ordinal);

    public void Add(StandInTask task)
    {
        lock (_gate)
        {
            _ordered.Add(task);
            _byId[task.Id] = task;
        }
    }

    public StandInTask? Find(string id)
    {
        lock (_gate)
        {
            return _byId.GetValueOrDefault(id);
        }
    }

    /// <summary>Newest first: ids are made in creation order, so the reverse of the list.</summary>
    public List<StandInTask> NewestFirst()
    {
        lock (_gate)
        {
            return Enumerable.Reverse(_ordered).ToList();
        }
    }

    public List<StandInTask> Snapshot()
    {
        lock (_gate)
        {
            return [.. _ordered];
        }
    }
}
