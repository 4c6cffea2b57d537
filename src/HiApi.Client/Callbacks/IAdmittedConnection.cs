namespace HiApi.Client;

/// <summary>What <see cref="ConnectionAdmission"/> needs to know about an open connection, and how it cuts one.</summary>
internal interface IAdmittedConnection
{
    /// <summary>The sender's address (a peer's share is counted by it); null when unknown.</summary>
    string? Peer { get; }

    /// <summary>
    /// The order in which connections are cut when room is short, lowest first: 0 silent (nothing sent, nothing
    /// waiting in the socket), 1 answered and lingering, 2 still sending its head, 3 still sending its body; -1 never
    /// (a request that is being answered).
    /// </summary>
    int EvictionRank { get; }

    /// <summary>Cuts the connection at once; it is no longer counted.</summary>
    void Evict();
}
