namespace HiApi.Client;

/// <summary>
/// One progress picture for many downloads at once: files done of files known, bytes received of bytes announced, the
/// overall rate, and the seconds left at that rate. The rate counts only the time some download was running: in
/// <c>Wait-HiApiTask | Save-HiApiVideo</c> the videos arrive as renders finish, and the minutes spent waiting for them
/// are not download time (counted, they made a 21 s download look like 575 s left). Each download reports through the handle <see cref="Start"/> gives it
/// from any thread; the cmdlet takes a <see cref="Snapshot"/> on its pipeline thread at each tick.
/// </summary>
public sealed class DownloadBatchProgress
{
    private readonly object _gate = new();
    private readonly Dictionary<int, (long Received, long? Total)> _active = new();
    private readonly TimeProvider _time;
    private TimeSpan _activeBefore;        // time some download ran, up to the last moment none did
    private DateTimeOffset? _activeSince;  // when the current stretch of running downloads began
    private int _filesKnown;
    private int _filesDone;
    private long _bytesDone;
    private long _totalDone;
    private int _nextId;

    public DownloadBatchProgress(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
    }

    /// <summary>A download is about to start: it counts in "file N of M" and reports through the handle.</summary>
    public Tracker Start()
    {
        lock (_gate)
        {
            _filesKnown++;
            _activeSince ??= _time.GetUtcNow();
            _active[++_nextId] = (0, null);
            return new Tracker(this, _nextId);
        }
    }

    public BatchSnapshot Snapshot()
    {
        lock (_gate)
        {
            var received = _bytesDone;
            var total = _totalDone;
            var totalKnown = true;
            foreach (var (bytes, announced) in _active.Values)
            {
                received += bytes;
                if (announced is { } size)
                {
                    total += size;
                }
                else
                {
                    totalKnown = false;
                }
            }

            var elapsed = (_activeBefore + (_activeSince is { } since ? _time.GetUtcNow() - since : TimeSpan.Zero)).TotalSeconds;
            var rate = elapsed > 0.5 ? received / elapsed : 0;
            int? secondsLeft = totalKnown && rate > 0 && total >= received ? (int)Math.Ceiling((total - received) / rate) : null;
            var percent = totalKnown && total > 0 ? (int)Math.Min(100, received * 100 / total) : (_filesKnown > 0 ? _filesDone * 100 / _filesKnown : 0);
            return new BatchSnapshot(_filesDone, _filesKnown, _active.Count, received, totalKnown ? total : null, rate, secondsLeft, percent);
        }
    }

    private void Report(int id, DownloadProgress progress)
    {
        lock (_gate)
        {
            if (_active.ContainsKey(id))
            {
                _active[id] = (progress.BytesReceived, progress.TotalBytes);
            }
        }
    }

    private void Finish(int id, long bytes)
    {
        lock (_gate)
        {
            if (_active.Remove(id))
            {
                _filesDone++;
                _bytesDone += bytes;
                _totalDone += bytes;
                if (_active.Count == 0 && _activeSince is { } since)
                {
                    _activeBefore += _time.GetUtcNow() - since;
                    _activeSince = null;
                }
            }
        }
    }

    /// <summary>One download's handle: its progress reports, and its end (saved, skipped or failed).</summary>
    public sealed class Tracker : IProgress<DownloadProgress>
    {
        private readonly DownloadBatchProgress _owner;
        private readonly int _id;

        internal Tracker(DownloadBatchProgress owner, int id)
        {
            _owner = owner;
            _id = id;
        }

        public void Report(DownloadProgress value) => _owner.Report(_id, value);

        /// <summary>Ends this download; <paramref name="bytes"/> is what it delivered (0 when it failed or was skipped).</summary>
        public void Finish(long bytes) => _owner.Finish(_id, bytes);
    }
}
