using System.Collections.ObjectModel;
using System.Management.Automation;
using HiApi.Client;
using HiApi.Video.Infrastructure;

namespace HiApi.Video.Commands;

/// <summary>
/// Save-HiApiVideo: downloads each successful task's MP4 before its temporary URL expires, up to -ThrottleLimit at
/// once, and writes each file (as Get-ChildItem shows it, plus the task id) the moment it is complete. A file appears
/// only when whole and verified (streamed to a temporary file beside it, then renamed), and the download never
/// carries the API key. A task captured before it finished is read again before it is judged.
/// </summary>
[Cmdlet(VerbsData.Save, "HiApiVideo", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(FileInfo))]
public sealed class SaveHiApiVideoCommand : HiApiCommandBase
{
    /// <summary>The place of the current input among all this command was given (typed and piped), as errors name it.</summary>
    private int _inputNumber;

    private const int ProgressActivityId = 4712;
    private const string Activity = "Saving HiAPI videos";

    private readonly DownloadBatchProgress _progress = new();
    private readonly SaveTargets _targets = new();
    private BoundedWorkQueue<SaveJob, SaveResult>? _downloads;
    private string? _folderOrFile;
    private FileNameTemplate? _nameTemplate;
    private ScriptBlock? _nameScript;
    private PSObject[]? _typedTasks;
    private bool _progressShown;

    /// <summary>
    /// Tasks to save: task objects, task ids (read first with GET /v1/tasks/{taskId}), or objects with a TaskId property.
    /// When tasks come down the pipeline, a lone positional argument is the folder: <c>$tasks | Save-HiApiVideo ./clips</c>.
    /// </summary>
    [Parameter(Position = 0, ValueFromPipeline = true)]
    [Alias("TaskId", "Id")]
    [ArgumentCompleter(typeof(TaskIdCompleter))]
    public PSObject[] Task { get; set; } = Array.Empty<PSObject>();

    /// <summary>
    /// Tasks from the pipeline (the same as -Task). A parameter of its own so that a positional folder after a pipe
    /// binds: PowerShell binds positional arguments before pipeline input, and would give './clips' to -Task.
    /// </summary>
    [Parameter(ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    /// <summary>A folder (the file is named &lt;taskId&gt;.mp4) or a file name. Relative to the current PowerShell location.</summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = ".";

    /// <summary>
    /// How to name each task's file in the folder -Path: a template such as '{Scene:000}-{Shot}' ({Name} and {Name:format}
    /// placeholders, read from the task's row, then the task), or a script block run for each task with $_ as the task.
    /// .mp4 is added unless the name ends with it; the name is made portable; a name with a folder separator is refused.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public object? FileName { get; set; }

    /// <summary>Also write each video's metadata beside it, as &lt;video file name&gt;.json: request, row, task, size, SHA-256.</summary>
    [Parameter]
    public SwitchParameter Sidecar { get; set; }

    /// <summary>Overwrite an existing file, and download again a video the ledger says is already saved.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>How many videos download at once (each on its own connection; lower it on a slow or metered link).</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 64;

    protected override void BeginProcessing()
    {
        var typed = MyInvocation.BoundParameters.ContainsKey(nameof(Task)) ? Task : null;
        if (MyInvocation.ExpectingInput && typed is { Length: 1 } && typed[0]?.BaseObject is string folder
            && !MyInvocation.BoundParameters.ContainsKey(nameof(Path)))
        {
            // `$tasks | Save-HiApiVideo ./clips`: the tasks come down the pipeline, so the one argument is where to put them.
            Path = folder;
            typed = null;
        }
        else if (!MyInvocation.ExpectingInput && typed is null)
        {
            ThrowTerminatingError(ErrorRecordFactory.Create(
                new ArgumentException("Give the tasks to save: Save-HiApiVideo $task -Path ./clips, or pipe them in: $tasks | Save-HiApiVideo ./clips."),
                "NoTaskGiven",
                ErrorCategory.InvalidArgument,
                null));
        }

        _typedTasks = typed;
        _folderOrFile = ResolveFileSystemPath(Path);
        if (FileName is not null)
        {
            ReadFileName(FileName is PSObject wrapped ? wrapped.BaseObject : FileName);
        }
    }

    /// <summary>-FileName: a script block to run per task, or a template read once (a template that cannot be read stops the command).</summary>
    private void ReadFileName(object value)
    {
        if (value is ScriptBlock script)
        {
            _nameScript = script;
            return;
        }

        try
        {
            _nameTemplate = FileNameTemplate.Parse(LanguagePrimitives.ConvertTo<string>(value));
        }
        catch (HiApiException unreadable)
        {
            ThrowHiApiError(unreadable);
        }
    }

    protected override void ProcessRecord()
    {
        if (_typedTasks is { } typed)
        {
            // Typed on the command line: saved once, not again with every piped record.
            _typedTasks = null;
            StartAll(typed);
        }

        if (MyInvocation.BoundParameters.ContainsKey(nameof(InputObject)) && InputObject is { } piped)
        {
            StartAll([piped]);
        }
    }

    private void StartAll(IEnumerable<PSObject> inputs)
    {
        foreach (var input in inputs)
        {
            if (TaskInput.Resolve(input, ++_inputNumber, out var problem) is not { } task)
            {
                WriteError(ErrorRecordFactory.Create(new ArgumentException(problem), "InvalidTaskInput", ErrorCategory.InvalidArgument, input));
                continue;
            }

            Start(task, input);
        }
    }

    protected override void EndProcessing()
    {
        try
        {
            DrainQueue(_downloads, WriteSaved, WriteBatchProgress);
        }
        finally
        {
            if (_progressShown)
            {
                WriteProgress(new ProgressRecord(ProgressActivityId, Activity, "Done") { RecordType = ProgressRecordType.Completed });
            }
        }
    }

    private void Start(HiApiTask task, object input)
    {
        // What the ledger knows (the row, the input number) names the file, so a bare id gets the same name as its task.
        var known = Session.Remember(task);
        string target;
        try
        {
            target = _nameTemplate is null && _nameScript is null
                ? SavePathResolver.ResolveTargetFile(_folderOrFile!, task.TaskId)
                : System.IO.Path.GetFullPath(System.IO.Path.Combine(_folderOrFile!, NameOf(known)));
        }
        catch (HiApiException unusable)
        {
            WriteHiApiError(unusable, input);
            return;
        }

        if (!_targets.TryClaim(known, target, out var collision, FileName is null ? null : CollisionAdvice))
        {
            // Another task aimed at the same file is an error before any download; the same task given twice is saved once.
            if (collision is not null)
            {
                WriteHiApiError(collision, input);
            }
            else
            {
                WriteVerbose($"{task.TaskId}: given more than once; its video is saved once, to {target}.");
            }

            return;
        }

        if (task.Status == HiApiTaskStatus.Fail && VideoDownloader.NotDownloadable(task) is { } failed)
        {
            // Final: no read can change it, and -WhatIf must not say it would save a video that does not exist.
            WriteHiApiError(failed, input);
            return;
        }

        if (!ShouldProcess(target, SaveAction(task)))
        {
            return;
        }

        // A task captured before it finished (or known only by id) is read again first: judging a stale object would
        // say "wait for it" about a task that has since failed. That read needs the key: resolve it here, on this thread.
        var session = NeedsFreshState(task) || NeedsFreshState(known) ? OnlineSession : Session;
        var job = new SaveJob(known, input, target, _progress.Start());
        var options = new DownloadOptions { Force = Force.IsPresent, Sidecar = Sidecar.IsPresent, Progress = job.Progress, Log = Runner.QueueVerbose };
        StartQueued(_downloads ??= new BoundedWorkQueue<SaveJob, SaveResult>(ThrottleLimit), job, async token =>
        {
            try
            {
                // The fresh state keeps what only this machine knows (the request, the row), which a sidecar records.
                var current = NeedsFreshState(job.Task) ? job.Task.WithServerState(await session.GetAsync(job.Task.TaskId, token).ConfigureAwait(false)) : job.Task;
                var result = await session.SaveAsync(current, job.Target, options, token).ConfigureAwait(false);
                job.Progress.Finish(result.AlreadySaved ? 0 : result.File.Length);
                return result;
            }
            catch
            {
                job.Progress.Finish(0);
                throw;
            }
        }, WriteSaved, WriteBatchProgress);
    }

    /// <summary>
    /// A task not known to have succeeded with its URL is read first; with -Sidecar, so is one without HiAPI's completion
    /// time (one read from the ledger), which the sidecar records.
    /// </summary>
    private bool NeedsFreshState(HiApiTask task) =>
        task.Status != HiApiTaskStatus.Success || task.VideoUrl is null || (Sidecar.IsPresent && task.CompletedAt is null);

    /// <summary>The file name -FileName gives <paramref name="task"/>: the template's, or the script block's result.</summary>
    private string NameOf(HiApiTask task)
    {
        if (_nameTemplate is { } template)
        {
            return template.NameFor(task);
        }

        var source = $"-FileName {{{TextPreview.Shorten(_nameScript!.ToString().Trim(), 60)}}}";
        Collection<PSObject> results;
        try
        {
            results = _nameScript!.InvokeWithContext(null, [new PSVariable("_", task), new PSVariable("PSItem", task)]);
        }
        catch (RuntimeException failed)
        {
            throw TaskFileName.Refused(task, source, $"the script block failed ({failed.Message})");
        }

        var names = results.Where(result => result?.BaseObject is not null).ToArray();
        if (names.Length > 1)
        {
            throw TaskFileName.Refused(task, source, $"the script block returned {names.Length} values, not one name");
        }

        return TaskFileName.From(names.Length == 0 ? null : LanguagePrimitives.ConvertTo<string>(names[0]), task, source);
    }

    private const string CollisionAdvice =
        "Make -FileName give each task a name of its own: add a column that differs from row to row, {InputNumber} or {TaskId}.";

    /// <summary>What -WhatIf and -Confirm say: a task not known to have succeeded is saved only if a read finds it has.</summary>
    private static string SaveAction(HiApiTask task) => task switch
    {
        { Status: HiApiTaskStatus.Success, VideoUrl: not null } => $"Save the video of {task.TaskId}",
        { Status: HiApiTaskStatus.Unknown, StatusText: null } => $"Save the video of {task.TaskId} if it has succeeded (its status is read first)",
        _ => $"Save the video of {task.TaskId} if it has succeeded by then (last seen {(task.StatusText ?? task.Status.ToString()).ToLowerInvariant()}; its status is read again first)",
    };

    /// <summary>The file as the FileSystem provider shows it (mode, size, a Directory: header), plus the task id.</summary>
    private void WriteSaved(SaveJob job, SaveResult result)
    {
        if (result.AlreadySaved)
        {
            WriteVerbose($"{job.Task.TaskId}: already saved to {result.File.FullName} and intact; skipped (use -Force to download again).");
        }

        var items = InvokeProvider.Item.Get(new[] { result.File.FullName }, force: true, literalPath: true);
        var output = items.Count == 1 ? items[0] : PSObject.AsPSObject(result.File);
        output.Properties.Add(new PSNoteProperty("TaskId", job.Task.TaskId));
        // Files come out as they finish: InputNumber lets `Sort-Object InputNumber` put them back in input order.
        output.Properties.Add(new PSNoteProperty("InputNumber", job.Task.InputNumber));
        output.Properties.Add(new PSNoteProperty("Row", job.Task.Row));
        if (Sidecar.IsPresent)
        {
            output.Properties.Add(new PSNoteProperty("Sidecar", result.Sidecar?.File.FullName));
        }

        WriteObject(output);
        if (result.SidecarError is { } sidecarFailed)
        {
            WriteHiApiError(sidecarFailed, job.Task);
        }

        WriteBatchProgress();
    }

    private void WriteBatchProgress()
    {
        var batch = _progress.Snapshot();
        if (batch.FilesKnown == 0)
        {
            return;
        }

        WriteProgress(new ProgressRecord(ProgressActivityId, Activity, SaveProgressText.Of(batch, Activity, ProgressLayout.Of(this)))
        {
            PercentComplete = batch.PercentComplete,
            SecondsRemaining = batch.SecondsRemaining ?? -1,
        });
        _progressShown = true;
    }

    /// <summary>One download: the task as known when it arrived, where it goes, and its progress handle.</summary>
    private sealed record SaveJob(HiApiTask Task, object Input, string Target, DownloadBatchProgress.Tracker Progress) : IErrorTarget
    {
        public object? ErrorTarget => Task;
    }
}
