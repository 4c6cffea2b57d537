using System.Diagnostics;

namespace HiApi.Emulator.Storage;

/// <summary>
/// Paces one download to <see cref="EmulatorOptions.DownloadBytesPerSecond"/>: the body goes out in slices of about a
/// tenth of a second, and after each slice the writer awaits (a timer, never a spinning thread) until the bytes
/// sent so far are due. Hundreds of paced downloads cost a few timer callbacks each per second.
/// </summary>
internal sealed class DownloadPacer
{
    private const int SlicesPerSecond = 10;
    private const int MaxSliceBytes = 128 * 1024;

    private readonly long _bytesPerSecond;
    private readonly long _started = Stopwatch.GetTimestamp();
    private long _sent;

    /// <param name="bytesPerSecond">Null or 0: unlimited.</param>
    public DownloadPacer(long? bytesPerSecond) => _bytesPerSecond = bytesPerSecond is > 0 ? bytesPerSecond.Value : 0;

    public bool IsPaced => _bytesPerSecond > 0;

    /// <summary>The most bytes to write before the next wait.</summary>
    public int SliceBytes => IsPaced ? (int)Math.Clamp(_bytesPerSecond / SlicesPerSecond, 1, MaxSliceBytes) : int.MaxValue;

    /// <summary>Counts <paramref name="bytes"/> as sent and waits until they are due at the configured rate.</summary>
    public Task SentAsync(int bytes, CancellationToken cancellationToken)
    {
        if (!IsPaced)
        {
            return Task.CompletedTask;
        }
        _sent += bytes;
        var due = TimeSpan.FromSeconds((double)_sent / _bytesPerSecond);
        var wait = due - Stopwatch.GetElapsedTime(_started);
        return wait > TimeSpan.Zero ? Task.Delay(wait, cancellationToken) : Task.CompletedTask;
    }
}
