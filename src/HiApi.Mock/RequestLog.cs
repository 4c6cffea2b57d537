namespace HiApi.Mock;

/// <summary>What the stand-in was asked, in the order the answers went out.</summary>
internal sealed class RequestLog
{
    private readonly object _gate = new();
    private readonly List<MockRequest> _entries = [];

    public void Add(MockRequest request)
    {
        lock (_gate)
        {
            _entries.Add(request);
        }
    }

    public IReadOnlyList<MockRequest> Snapshot()
    {
        lock (_gate)
        {
            return [.. _entries];
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
        }
    }
}
