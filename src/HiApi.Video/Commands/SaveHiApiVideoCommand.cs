using System.Management.Automation;
using HiApi.Client;
using HiApi.Video.Infrastructure;

namespace HiApi.Video.Commands;

/// <summary>
/// Save-HiApiVideo: downloads each successful task's MP4 before its temporary URL expires. The file appears
/// only when complete (streamed to a temporary file beside it, then renamed), and the download never carries
/// the API key.
/// </summary>
[Cmdlet(VerbsData.Save, "HiApiVideo", DefaultParameterSetName = TaskSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(FileInfo))]
public sealed class SaveHiApiVideoCommand : HiApiCommandBase
{
    private const string TaskSet = "Task";
    private const string IdSet = "Id";
    private const int ProgressActivityId = 4712;

    [Parameter(ParameterSetName = TaskSet, Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public HiApiTask[] InputObject { get; set; } = Array.Empty<HiApiTask>();

    /// <summary>Task ids to read first with GET /v1/tasks/{taskId}, then download.</summary>
    [Parameter(ParameterSetName = IdSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Id")]
    [ValidateNotNullOrEmpty]
    public string[] TaskId { get; set; } = Array.Empty<string>();

    /// <summary>A folder (the file is named &lt;taskId&gt;.mp4) or a file name. Relative to the current PowerShell location.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = ".";

    /// <summary>Overwrite an existing file, and download again a video the ledger says is already saved.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == TaskSet)
        {
            foreach (var task in InputObject)
            {
                Save(task);
            }

            return;
        }

        foreach (var id in TaskId)
        {
            try
            {
                Save(Run(token => OnlineSession.GetAsync(id, token)));
            }
            catch (HiApiException failure)
            {
                WriteHiApiError(failure, id);
            }
        }
    }

    private void Save(HiApiTask task)
    {
        var target = SavePathResolver.ResolveTargetFile(ResolveFileSystemPath(Path), task.TaskId);
        if (!ShouldProcess(target, $"Save the video of {task.TaskId}"))
        {
            return;
        }

        var progress = new LatestProgress<DownloadProgress>();
        var options = new DownloadOptions { Force = Force.IsPresent, Progress = progress };
        try
        {
            var result = Run(token => Session.SaveAsync(task, target, options, token), () => WriteDownloadProgress(progress));
            if (result.AlreadySaved)
            {
                WriteVerbose($"{task.TaskId}: already saved to {result.File.FullName} and intact; skipped (use -Force to download again).");
            }

            var output = PSObject.AsPSObject(result.File);
            output.Properties.Add(new PSNoteProperty("TaskId", task.TaskId));
            WriteObject(output);
        }
        catch (HiApiException failure)
        {
            WriteHiApiError(failure, task);
        }
        finally
        {
            WriteProgress(new ProgressRecord(ProgressActivityId, "Saving HiAPI video", task.TaskId) { RecordType = ProgressRecordType.Completed });
        }
    }

    private void WriteDownloadProgress(LatestProgress<DownloadProgress> progress)
    {
        if (progress.TakeLatest() is not { } latest)
        {
            return;
        }

        var record = new ProgressRecord(ProgressActivityId, "Saving HiAPI video", $"{latest.TaskId}: {FormatBytes(latest.BytesReceived)}"
            + (latest.TotalBytes is long total ? $" of {FormatBytes(total)}" : string.Empty));
        if (latest.TotalBytes is long size && size > 0)
        {
            record.PercentComplete = (int)Math.Min(100, latest.BytesReceived * 100 / size);
        }

        WriteProgress(record);
    }

    private static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.0} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.0} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:0.0} KiB",
        _ => $"{bytes} B",
    };
}
