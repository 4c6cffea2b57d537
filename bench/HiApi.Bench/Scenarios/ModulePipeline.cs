using System.Diagnostics;
using HiApi.Client;

namespace HiApi.Bench.Scenarios;

/// <summary>
/// <c>New-HiApiVideoTask | Wait-HiApiTask | Save-HiApiVideo</c> without PowerShell, step for step as the cmdlets
/// run it on the single pipeline thread:
/// <list type="bullet">
/// <item>New submits one record at a time (<see cref="HiApiSession.SubmitAsync"/>, ledger included) and passes each task on;</item>
/// <item>Wait adds it to its source of results (the waiter's polls, or verified callbacks) and hands on whatever
/// already finished, without blocking;</item>
/// <item>Save downloads each handed-on task at once, one at a time, on that same thread (so a download holds up the
/// next submission, exactly as in the pipeline);</item>
/// <item>after the last record, Wait's end block hands on each task the moment it ends, and Save saves it.</item>
/// </list>
/// </summary>
internal sealed class ModulePipeline
{
    private readonly HiApiSession _session;
    private readonly string _folder;
    private readonly Dictionary<string, DateTimeOffset> _savedAt = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _knownAt = new(StringComparer.Ordinal);
    private readonly List<string> _problems = new();
    private readonly List<TimeSpan> _submitTimes = new();
    private readonly List<TimeSpan> _saveTimes = new();
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
            var submitStarted = Stopwatch.GetTimestamp();
            var task = await _session.SubmitAsync(ModuleClients.ClipRequest(i, callbackUrl), ct);
            _submitTimes.Add(Stopwatch.GetElapsedTime(submitStarted));
            source.Add(task);
            while (source.TryRead(out var ready) && ready is not null)
            {
                await EmitAsync(ready, ct);
            }
        }

        source.CompleteAdding();
        while (await source.ReadAsync(ct) is { } next)
        {
            await EmitAsync(next, ct);
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

    /// <summary>Wait-HiApiTask's Emit, then Save-HiApiVideo's ProcessRecord for the same object.</summary>
    private async Task EmitAsync(FinishedTask finished, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        _session.RecordStatus(finished.Task);
        if (!finished.Succeeded)
        {
            _notSaved++;
            _problems.Add(finished.Description);
            return;
        }

        var target = SavePathResolver.ResolveTargetFile(_folder, finished.Task.TaskId);
        try
        {
            var result = await _session.SaveAsync(finished.Task, target, new DownloadOptions { Progress = new LatestProgress<DownloadProgress>() }, ct);
            _savedAt[finished.Task.TaskId] = DateTimeOffset.UtcNow;
            _saveTimes.Add(Stopwatch.GetElapsedTime(started));
            if (finished.Task.RetrievedAt is { } retrievedAt)
            {
                _knownAt[finished.Task.TaskId] = retrievedAt;
            }
            if (result.AlreadySaved)
            {
                _problems.Add($"{finished.Task.TaskId}: unexpectedly already saved");
            }
        }
        catch (HiApiException error)
        {
            _notSaved++;
            _problems.Add(error.Message);
        }
    }
}
