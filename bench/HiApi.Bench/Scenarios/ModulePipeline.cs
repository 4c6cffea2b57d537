using System.Diagnostics;
using HiApi.Client;

namespace HiApi.Bench.Scenarios;

/// <summary>
/// <c>New-HiApiVideoTask | Wait-HiApiTask | Save-HiApiVideo</c> without PowerShell, step for step as the cmdlets
/// run it with their default -ThrottleLimit on the single pipeline thread:
/// <list type="bullet">
/// <item>New starts a submission per record (<see cref="HiApiSession.SubmitAsync"/>, ledger included), up to
/// <see cref="SubmissionsInFlight"/> at once, and passes each task on as soon as it is created;</item>
/// <item>Wait adds it to its source of results (the waiter's polls, or verified callbacks) and hands on whatever
/// already finished, without blocking;</item>
/// <item>Save starts a download per handed-on task, up to <see cref="DownloadsInFlight"/> at once (blocking the
/// pipeline thread while full, exactly as in the pipeline), and writes each file when it is complete;</item>
/// <item>after the last record, Wait's end block hands on each task the moment it ends, and Save drains.</item>
/// </list>
/// </summary>
internal sealed class ModulePipeline
{
    /// <summary>New-HiApiVideoTask's default -ThrottleLimit.</summary>
    public const int SubmissionsInFlight = 16;

    /// <summary>Save-HiApiVideo's default -ThrottleLimit.</summary>
    public const int DownloadsInFlight = 64;

    private readonly HiApiSession _session;
    private readonly string _folder;
    private readonly Dictionary<string, DateTimeOffset> _savedAt = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _knownAt = new(StringComparer.Ordinal);
    private readonly List<string> _problems = new();
    private readonly List<TimeSpan> _submitTimes = new();
    private readonly List<TimeSpan> _saveTimes = new();
    private readonly BoundedWorkQueue<long, HiApiTask> _submissions = new(SubmissionsInFlight);
    private readonly BoundedWorkQueue<(FinishedTask Task, long Started), SaveResult> _downloads = new(DownloadsInFlight);
    private int _notSaved;

    public ModulePipeline(HiApiSession session, string folder)
    {
        _session = session;
        _folder = folder;
    }

    public async Task<PipelineRun> RunAsync(int tasks, IFinishedTaskSource source, string? callbackUrl, CancellationToken ct)
    {
        Directory.CreateDirectory(_folder);
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < tasks; i++)
        {
            while (_submissions.IsFull)
            {
                await _submissions.WaitForCompletionAsync(ct);
                await HandOnSubmittedAsync(source, ct);
            }

            var request = ModuleClients.ClipRequest(i, callbackUrl);
            _submissions.Start(Stopwatch.GetTimestamp(), token => _session.SubmitAsync(request, ct: token), ct);
            await HandOnSubmittedAsync(source, ct);
        }

        while (_submissions.Outstanding > 0)
        {
            await _submissions.WaitForCompletionAsync(ct);
            await HandOnSubmittedAsync(source, ct);
        }

        source.CompleteAdding();
        while (await source.ReadAsync(ct) is { } next)
        {
            await StartSaveAsync(next, ct);
        }

        while (_downloads.Outstanding > 0)
        {
            await _downloads.WaitForCompletionAsync(ct);
            WriteSaved();
        }

        stopwatch.Stop();
        return new PipelineRun(
            stopwatch.Elapsed,
            new Dictionary<string, DateTimeOffset>(_savedAt),
            new Dictionary<string, DateTimeOffset>(_knownAt),
            _notSaved,
            _problems.ToArray())
        {
            SubmitTimes = _submitTimes.ToArray(),
            SaveTimes = _saveTimes.ToArray(),
        };
    }

    /// <summary>New-HiApiVideoTask writing its finished submissions; Wait-HiApiTask taking each and handing on what ended.</summary>
    private async Task HandOnSubmittedAsync(IFinishedTaskSource source, CancellationToken ct)
    {
        while (_submissions.TryTake(out var submitted))
        {
            if (submitted.Error is not null)
            {
                _problems.Add(submitted.Error.Message);
                continue;
            }

            _submitTimes.Add(Stopwatch.GetElapsedTime(submitted.Item));
            source.Add(submitted.Result!);
            while (source.TryRead(out var ready) && ready is not null)
            {
                await StartSaveAsync(ready, ct);
            }
        }
    }

    /// <summary>Wait-HiApiTask's Emit, then Save-HiApiVideo's ProcessRecord for the same object.</summary>
    private async Task StartSaveAsync(FinishedTask finished, CancellationToken ct)
    {
        _session.RecordStatus(finished.Task);
        if (!finished.Succeeded)
        {
            _notSaved++;
            _problems.Add(finished.Description);
            return;
        }

        while (_downloads.IsFull)
        {
            await _downloads.WaitForCompletionAsync(ct);
            WriteSaved();
        }

        var target = SavePathResolver.ResolveTargetFile(_folder, finished.Task.TaskId);
        var options = new DownloadOptions { Progress = new LatestProgress<DownloadProgress>() };
        _downloads.Start((finished, Stopwatch.GetTimestamp()), token => _session.SaveAsync(finished.Task, target, options, token), ct);
        WriteSaved();
    }

    private void WriteSaved()
    {
        while (_downloads.TryTake(out var done))
        {
            var task = done.Item.Task.Task;
            if (done.Error is not null)
            {
                _notSaved++;
                _problems.Add(done.Error.Message);
                continue;
            }

            _savedAt[task.TaskId] = DateTimeOffset.UtcNow;
            _saveTimes.Add(Stopwatch.GetElapsedTime(done.Item.Started));
            if (task.RetrievedAt is { } retrievedAt)
            {
                _knownAt[task.TaskId] = retrievedAt;
            }

            if (done.Result!.AlreadySaved)
            {
                _problems.Add($"{task.TaskId}: unexpectedly already saved");
            }
        }
    }
}
