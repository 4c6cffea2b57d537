namespace HiApi.Client.Tests;

/// <summary>The admission rule alone, with connections that only say who they are and how far they got.</summary>
public sealed class ConnectionAdmissionTests
{
    private sealed class Connection(string peer, int rank) : IAdmittedConnection
    {
        public string? Peer => peer;

        public int EvictionRank { get; set; } = rank;

        public bool Cut { get; private set; }

        public void Evict() => Cut = true;
    }

    [Fact]
    public void AFullIdlePool_CutsTheOldestSilentConnection_OfThePeerThatHoldsTheMost()
    {
        var admission = new ConnectionAdmission(maxIdle: 4, maxActive: 10, maxActivePerPeer: 10);
        var sender = new Connection("203.0.113.7", rank: 0);
        var flood = Enumerable.Range(0, 3).Select(_ => new Connection("198.51.100.9", rank: 0)).ToList();
        Assert.True(admission.TryAdmit(sender));
        flood.ForEach(connection => Assert.True(admission.TryAdmit(connection)));

        Assert.True(admission.TryAdmit(new Connection("198.51.100.9", rank: 0)));

        Assert.True(flood[0].Cut);
        Assert.False(sender.Cut); // older, but its peer holds one place, the flood three
        Assert.Equal(4, admission.IdleCount);
    }

    [Fact]
    public void ASilentConnection_GoesBeforeOneWithBytesWaiting_EvenWhenYounger()
    {
        var admission = new ConnectionAdmission(maxIdle: 2, maxActive: 10, maxActivePerPeer: 10);
        var spoke = new Connection("127.0.0.1", rank: 2);
        var silent = new Connection("127.0.0.1", rank: 0);
        admission.TryAdmit(spoke);
        admission.TryAdmit(silent);

        Assert.True(admission.TryAdmit(new Connection("127.0.0.1", rank: 0)));

        Assert.True(silent.Cut);
        Assert.False(spoke.Cut);
    }

    [Fact]
    public void APeerAtItsShare_DisplacesItsOwnWeakestConnection_NotAnotherPeers()
    {
        var admission = new ConnectionAdmission(maxIdle: 10, maxActive: 10, maxActivePerPeer: 2);
        var other = Promoted(admission, new Connection("203.0.113.7", rank: 1));
        var slowBody = Promoted(admission, new Connection("127.0.0.1", rank: 3));
        var slowHead = Promoted(admission, new Connection("127.0.0.1", rank: 2));

        var newcomer = new Connection("127.0.0.1", rank: 2);
        Assert.True(admission.TryAdmit(newcomer));
        Assert.True(admission.TryPromote(newcomer));

        Assert.True(slowHead.Cut); // its rank is lower than the slow body's, though it is younger
        Assert.False(slowBody.Cut);
        Assert.False(other.Cut); // an answered connection ranks lowest, but it is another peer's
        Assert.Equal(3, admission.ActiveCount);
    }

    [Fact]
    public void WhenEveryPlaceIsBeingAnswered_TheNewcomerIsRefused_AndNothingIsCut()
    {
        var admission = new ConnectionAdmission(maxIdle: 10, maxActive: 2, maxActivePerPeer: 2);
        var answering = new[] { Promoted(admission, new Connection("127.0.0.1", rank: -1)), Promoted(admission, new Connection("127.0.0.2", rank: -1)) };

        var newcomer = new Connection("127.0.0.3", rank: 2);
        Assert.True(admission.TryAdmit(newcomer));

        Assert.False(admission.TryPromote(newcomer));
        Assert.All(answering, connection => Assert.False(connection.Cut));
        Assert.Equal(1, admission.Refused);
        Assert.Equal(0, admission.IdleCount);
        Assert.Equal(2, admission.ActiveCount);
    }

    [Fact]
    public void ACutConnection_CannotBePromoted_AndItsReleaseCountsNothingTwice()
    {
        var admission = new ConnectionAdmission(maxIdle: 1, maxActive: 10, maxActivePerPeer: 10);
        var first = new Connection("127.0.0.1", rank: 0);
        admission.TryAdmit(first);
        admission.TryAdmit(new Connection("127.0.0.1", rank: 0));

        Assert.True(first.Cut);
        Assert.False(admission.TryPromote(first));
        admission.Release(first);
        Assert.Equal(1, admission.IdleCount);
        Assert.Equal(1, admission.Evicted);
    }

    private static Connection Promoted(ConnectionAdmission admission, Connection connection)
    {
        Assert.True(admission.TryAdmit(connection));
        Assert.True(admission.TryPromote(connection));
        return connection;
    }
}
