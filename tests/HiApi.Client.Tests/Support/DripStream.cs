namespace HiApi.Client.Tests;

/// <summary>
/// A storage body that drips: <c>bytesPerDrip</c> bytes of the inner stream every <c>interval</c>, and optionally
/// goes silent for good after <c>stallAfter</c> bytes. Honours cancellation while it waits, as a socket read does.
/// </summary>
public sealed class DripStream : Stream
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

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _sent; set => throw new NotSupportedException(); }

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

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
