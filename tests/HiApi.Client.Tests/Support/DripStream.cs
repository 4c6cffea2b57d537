namespace HiApi.Client.Tests;

/// <summary>
/// A storage body that drips: <c>bytesPerDrip</c> bytes of the inner stream every <c>interval</c>, and optionally
/// goes silent for good after <c>stallAfter</c> bytes. Honours cancellation while it waits, as a socket read does.
/// </summary>
public sealed class DripStream : ReadOnlyTestStream
{
    private readonly Stream _inner;
    private readonly TimeSpan _interval;
    private readonly int _bytesPerDrip;
    private readonly long? _stallAfter;
    private long _sent;

    public DripStream(Stream inner, TimeSpan interval, int bytesPerDrip = 1, long? stallAfter = null)
    {
        _inner = inner;
        _interval = interval;
        _bytesPerDrip = bytesPerDrip;
        _stallAfter = stallAfter;
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_stallAfter is { } stall && _sent >= stall)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        }

        if (_sent > 0)
        {
            await Task.Delay(_interval, cancellationToken);
        }

        var wanted = (int)Math.Min(Math.Min(buffer.Length, _bytesPerDrip), (_stallAfter ?? long.MaxValue) - _sent);
        var read = await _inner.ReadAsync(buffer[..wanted], cancellationToken);
        _sent += read;
        return read;
    }
}
