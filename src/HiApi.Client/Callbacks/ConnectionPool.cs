namespace HiApi.Client;

/// <summary>
/// Connections in one stage of <see cref="ConnectionAdmission"/>, oldest first, with a count per peer. Not thread-safe:
/// the admission's lock guards it.
/// </summary>
internal sealed class ConnectionPool
{
    private readonly LinkedList<IAdmittedConnection> _byAge = new();
    private readonly Dictionary<IAdmittedConnection, LinkedListNode<IAdmittedConnection>> _nodes = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, int> _perPeer = new(StringComparer.Ordinal);

    public int Count => _byAge.Count;

    public int CountOf(string peer) => _perPeer.GetValueOrDefault(peer);

    public void Add(IAdmittedConnection connection)
    {
        _nodes[connection] = _byAge.AddLast(connection);
        var peer = PeerOf(connection);
        _perPeer[peer] = _perPeer.GetValueOrDefault(peer) + 1;
    }

    /// <summary>False when the connection is not in this pool (already released or cut).</summary>
    public bool Remove(IAdmittedConnection connection)
    {
        if (!_nodes.Remove(connection, out var node))
        {
            return false;
        }

        _byAge.Remove(node);
        var peer = PeerOf(connection);
        if (_perPeer[peer] <= 1)
        {
            _perPeer.Remove(peer);
        }
        else
        {
            _perPeer[peer]--;
        }

        return true;
    }

    /// <summary>
    /// The connection to cut: the lowest <see cref="IAdmittedConnection.EvictionRank"/>, the oldest among equals, of
    /// <paramref name="peer"/> when given; null when none may be cut.
    /// </summary>
    public IAdmittedConnection? PickVictim(string? peer)
    {
        IAdmittedConnection? best = null;
        var bestRank = int.MaxValue;
        for (var node = _byAge.First; node is not null; node = node.Next)
        {
            var candidate = node.Value;
            if (peer is not null && !string.Equals(PeerOf(candidate), peer, StringComparison.Ordinal))
            {
                continue;
            }

            var rank = candidate.EvictionRank;
            if (rank < 0 || rank >= bestRank)
            {
                continue;
            }

            if (rank == 0)
            {
                return candidate; // the oldest silent one: nothing ranks lower
            }

            best = candidate;
            bestRank = rank;
        }

        return best;
    }

    /// <summary>The peer with the most connections here; null when empty.</summary>
    public string? LargestPeer()
    {
        string? largest = null;
        var most = 0;
        foreach (var (peer, count) in _perPeer)
        {
            if (count > most)
            {
                largest = peer;
                most = count;
            }
        }

        return largest;
    }

    private static string PeerOf(IAdmittedConnection connection) => connection.Peer ?? string.Empty;
}
