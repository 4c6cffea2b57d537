using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;

namespace HiApi.Video.Infrastructure;

/// <summary>
/// The progress bar of work a cmdlet starts one by one and that finishes in the background (New-HiApiVideoTask's
/// submissions, Get-HiApiTask's reads): how many are done (of how many, when that is known), how many are in flight, and
/// the rate measured since the first one started. Nothing is estimated: a count that is not known is not shown.
/// Started and Write are called on the pipeline thread; the work counts itself done from any thread (<see cref="Track{T}"/>).
/// </summary>
internal sealed class QueueProgress
{
    /// <summary>A bar for work that is over within this time would only flicker.</summary>
    private static readonly TimeSpan ShowAfter = TimeSpan.FromMilliseconds(250);

    /// <summary>The host redraws a bar at most this often anyway; more would only cost.</summary>
    private static readonly TimeSpan WriteEvery = TimeSpan.FromMilliseconds(150);

    private readonly PSCmdlet _cmdlet;
    private readonly int _activityId;
    private readonly string _activity;
    private readonly string _doneWord;
    private int _started;
    private int _finished;
    private long _firstStart;
    private long _lastWrite;
    private bool _shown;

    /// <param name="doneWord">What a finished piece of work is: "submitted", "read".</param>
    public QueueProgress(PSCmdlet cmdlet, int activityId, string activity, string doneWord)
    {
        _cmdlet = cmdlet;
        _activityId = activityId;
        _activity = activity;
        _doneWord = doneWord;
    }

    /// <summary>How many pieces of work there are in all, when that is known (typed on the command line); else null.</summary>
    public int? Total { get; set; }

    public int Started => _started;

    public int Finished => Volatile.Read(ref _finished);

    /// <summary>One more piece of work started.</summary>
    public void Start()
    {
        if (_started++ == 0)
        {
            _firstStart = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>The work, counted as finished when it ends, however it ends.</summary>
    public async Task<T> Track<T>(Task<T> work)
    {
        try
        {
            return await work.ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Increment(ref _finished);
        }
    }

    /// <summary>Draws the bar (pipeline thread only), at most every <see cref="WriteEvery"/>; not before the work has taken <see cref="ShowAfter"/>.</summary>
    public void Write()
    {
        if (_started == 0 || Stopwatch.GetElapsedTime(_firstStart) < ShowAfter
            || (_lastWrite != 0 && Stopwatch.GetElapsedTime(_lastWrite) < WriteEvery))
        {
            return;
        }

        _lastWrite = Stopwatch.GetTimestamp();
        var finished = Finished;
        var record = new ProgressRecord(_activityId, _activity, Status(finished, _started, Stopwatch.GetElapsedTime(_firstStart)))
        {
            PercentComplete = Total is { } total && total > 0 ? Math.Clamp(finished * 100 / total, 0, 100) : -1,
        };
        _cmdlet.WriteProgress(record);
        _shown = true;
    }

    /// <summary>Takes the bar away, if it was shown.</summary>
    public void Complete()
    {
        if (_shown)
        {
            _shown = false;
            _cmdlet.WriteProgress(new ProgressRecord(_activityId, _activity, "Done") { RecordType = ProgressRecordType.Completed });
        }
    }

    /// <summary>"12 of 40 submitted, 16 in flight, 3.2/s": each part only when it is known, fitted to the console.</summary>
    internal string Status(int finished, int started, TimeSpan elapsed)
    {
        var parts = new List<string>
        {
            Total is { } total ? $"{finished} of {total} {_doneWord}" : $"{finished} {_doneWord}",
            $"{started - finished} in flight",
        };
        if (finished > 0 && elapsed >= TimeSpan.FromSeconds(1))
        {
            parts.Add(Rate(finished / elapsed.TotalSeconds));
        }

        return ProgressText.Fit(_activity, parts, secondsRemaining: null, ProgressLayout.Of(_cmdlet));
    }

    private static string Rate(double perSecond) =>
        (perSecond >= 10 ? perSecond.ToString("0", CultureInfo.InvariantCulture) : perSecond.ToString("0.0", CultureInfo.InvariantCulture)) + "/s";
}
