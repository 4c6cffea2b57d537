namespace HiApi.Client;

/// <summary>
/// Which connections the callback listener keeps when room is short. A connection waits for its first byte in a large,
/// cheap pool (a socket and no buffer; <c>maxIdle</c>), and takes one of the <c>maxActive</c> places (at most
/// <c>maxActivePerPeer</c> from one address) only once it speaks. A newcomer is not refused while an older connection
/// wastes a place: the oldest silent connection makes room for a new one, and a sender that speaks displaces, in its
/// own address's share or else in the share of the address that holds the most, an answered connection still
/// lingering, then the slowest head, then the slowest body, oldest first. So a flood of silent or slow connections,
/// even from the address a genuine sender shares (a reverse proxy or tunnel on 127.0.0.1), cannot keep a real
/// callback out; only when every place is taken by a request being answered is a newcomer refused.
/// </summary>
internal sealed class ConnectionAdmission
{
    private readonly int _maxIdle;
    private readonly int _maxActive;
    private readonly int _maxActivePerPeer;
    private readonly object _gate = new();
    private readonly ConnectionPool _idle = new();
    private readonly ConnectionPool _active = new();
    private long _evicted;
    private long _refused;

    public ConnectionAdmission(int maxIdle, int maxActive, int maxActivePerPeer)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxIdle, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxActive, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxActivePerPeer, 1);
        _maxIdle = maxIdle;
        _maxActive = maxActive;
        _maxActivePerPeer = Math.Min(maxActivePerPeer, maxActive);
    }

    /// <summary>Connections waiting for their first byte.</summary>
    public int IdleCount
    {
        get
        {
            lock (_gate)
            {
                return _idle.Count;
            }
        }
    }

    /// <summary>Connections that have spoken and are being read, answered or closed.</summary>
    public int ActiveCount
    {
        get
        {
            lock (_gate)
            {
                return _active.Count;
            }
        }
    }

    /// <summary>Connections cut since the start to make room.</summary>
    public long Evicted => Interlocked.Read(ref _evicted);

    /// <summary>Connections refused since the start because nothing could be cut.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Counts a new connection in as idle, cutting the oldest silent one when the idle pool is full. False: refused.</summary>
    public bool TryAdmit(IAdmittedConnection connection)
    {
        IAdmittedConnection? victim = null;
        lock (_gate)
        {
            if (_idle.Count >= _maxIdle && !TryMakeRoom(_idle, _idle.LargestPeer(), out victim))
            {
                return false;
            }

            _idle.Add(connection);
        }

        Cut(victim);
        return true;
    }

    /// <summary>
    /// Moves a connection that has just spoken to an active place, cutting the weakest active connection of its peer
    /// (when that peer holds its share) or of the peer holding the most (when all places are taken). False: it was cut
    /// meanwhile, or refused; either way it is no longer counted.
    /// </summary>
    public bool TryPromote(IAdmittedConnection connection)
    {
        IAdmittedConnection? ownVictim = null;
        IAdmittedConnection? victim = null;
        lock (_gate)
        {
            if (!_idle.Remove(connection))
            {
                return false;
            }

            var peer = connection.Peer ?? string.Empty;
            if (_active.CountOf(peer) >= _maxActivePerPeer && !TryMakeRoom(_active, peer, out ownVictim, onlyThatPeer: true))
            {
                return false;
            }

            // Cutting one of its own already made room: the total cannot be over.
            if (ownVictim is null && _active.Count >= _maxActive && !TryMakeRoom(_active, _active.LargestPeer(), out victim))
            {
                return false;
            }

            _active.Add(connection);
        }

        Cut(ownVictim);
        Cut(victim);
        return true;
    }

    /// <summary>The connection has ended; a cut one was already released.</summary>
    public void Release(IAdmittedConnection connection)
    {
        lock (_gate)
        {
            if (!_idle.Remove(connection))
            {
                _active.Remove(connection);
            }
        }
    }

    private bool TryMakeRoom(ConnectionPool pool, string? preferredPeer, out IAdmittedConnection? victim, bool onlyThatPeer = false)
    {
        victim = pool.PickVictim(preferredPeer) ?? (onlyThatPeer ? null : pool.PickVictim(null));
        if (victim is null)
        {
            Interlocked.Increment(ref _refused);
            return false;
        }

        pool.Remove(victim);
        return true;
    }

    private void Cut(IAdmittedConnection? victim)
    {
        if (victim is not null)
        {
            Interlocked.Increment(ref _evicted);
            victim.Evict();
        }
    }
}
