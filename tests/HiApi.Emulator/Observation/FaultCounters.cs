namespace HiApi.Emulator;

/// <summary>How many faults of each kind the emulator injected. Safe to read while requests are running.</summary>
public sealed class FaultCounters
{
    private long _serverErrors;
    private long _droppedConnections;
    private long _slowResponses;
    private long _tooManyRequests;
    private long _truncatedDownloads;
    private long _modelUnavailable;
    private long _hungRequests;

    public long ServerErrors => Interlocked.Read(ref _serverErrors);
    public long DroppedConnections => Interlocked.Read(ref _droppedConnections);
    public long SlowResponses => Interlocked.Read(ref _slowResponses);
    public long TooManyRequests => Interlocked.Read(ref _tooManyRequests);
    public long TruncatedDownloads => Interlocked.Read(ref _truncatedDownloads);
    public long ModelUnavailable => Interlocked.Read(ref _modelUnavailable);
    public long HungRequests => Interlocked.Read(ref _hungRequests);

    internal void CountServerError() => Interlocked.Increment(ref _serverErrors);
    internal void CountDroppedConnection() => Interlocked.Increment(ref _droppedConnections);
    internal void CountSlowResponse() => Interlocked.Increment(ref _slowResponses);
    internal void CountTooManyRequests() => Interlocked.Increment(ref _tooManyRequests);
    internal void CountTruncatedDownload() => Interlocked.Increment(ref _truncatedDownloads);
    internal void CountModelUnavailable() => Interlocked.Increment(ref _modelUnavailable);
    internal void CountHungRequest() => Interlocked.Increment(ref _hungRequests);
}
