using System.Management.Automation;
using HiApi.Client;
using HiApi.Video.Infrastructure;

namespace HiApi.Video.Commands;

/// <summary>
/// New-HiApiVideoTask: submits one paid text-to-video or image-to-video task per input and writes each task as soon as
/// HiAPI has created it (creation order), with up to -ThrottleLimit submissions in flight. Every field is checked
/// locally first (all problems in one error, in the API's own words), so bad input never costs a request; each
/// submission is in the ledger with its idempotency key before it is sent; -WhatIf shows what would be paid for.
/// </summary>
[Cmdlet(VerbsCommon.New, "HiApiVideoTask", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(HiApiTask))]
public sealed class NewHiApiVideoTaskCommand : HiApiCommandBase
{
    /// <summary>How long a terminating error waits for submissions in flight: past the client's 30 s retry budget.</summary>
    private static readonly TimeSpan SettleLimit = TimeSpan.FromSeconds(60);

    private readonly HashSet<string> _reportedNames = new(StringComparer.OrdinalIgnoreCase);
    private BoundedWorkQueue<object, HiApiTask>? _submissions;
    private SubmissionHistory? _history;
    private int _inputNumber;

    /// <summary>What to film (text-to-video), or the motion to give the still (image-to-video).</summary>
    [Parameter(Position = 0)]
    [Alias("Text")]
    public string? Prompt { get; set; }

    /// <summary>
    /// From the pipeline: a prompt (a string), or an object whose properties name the request fields (a CSV row, a
    /// hashtable): Prompt, ImageUrl, AspectRatio, Resolution, Duration, Model, CallbackUrl, IdempotencyKey. A blank
    /// cell means "not given"; a parameter typed on the command line applies to every row and wins over its cell.
    /// </summary>
    [Parameter(ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    /// <summary>One absolute https URL of the still image: selects image-to-video.</summary>
    [Parameter]
    [Alias("image_url", "Image")]
    [ValidateNotNullOrEmpty]
    public string? ImageUrl { get; set; }

    /// <summary>Output aspect ratio (text-to-video only: image-to-video follows the image).</summary>
    [Parameter]
    [Alias("aspect_ratio")]
    [ValidateSet("16:9", "9:16", "3:4", "4:3", "4:5", "5:4", "1:1", "9:21", "21:9")]
    public string? AspectRatio { get; set; }

    /// <summary>Output resolution. Not the price lever (duration is).</summary>
    [Parameter]
    [ValidateSet("720p", "1080p")]
    public string? Resolution { get; set; }

    /// <summary>Seconds of video, 3 to 15. The price lever: you pay per generated second.</summary>
    [Parameter]
    [StrictInteger]
    [ValidateRange(3, 15)]
    [ArgumentCompleter(typeof(DurationCompleter))]
    public int? Duration { get; set; }

    /// <summary>The model id; defaults to image-to-video with -ImageUrl, else text-to-video.</summary>
    [Parameter]
    [ValidateSet(HiApiModels.TextToVideo, HiApiModels.ImageToVideo)]
    public string? Model { get; set; }

    /// <summary>Where HiAPI POSTs the final task (https; http only for a loopback host).</summary>
    [Parameter]
    [Alias("callback_url")]
    [ValidateNotNullOrEmpty]
    public string? CallbackUrl { get; set; }

    /// <summary>
    /// The Idempotency-Key for this submission (default: a new random key per input). Sending the same key and the same
    /// request again within about 24 hours returns the first task instead of paying for a second one.
    /// </summary>
    [Parameter]
    [ValidateLength(1, RequestValidator.MaxIdempotencyKeyBytes)]
    public string? IdempotencyKey { get; set; }

    /// <summary>
    /// Re-running a storyboard after a crash: an input whose request (every field but the idempotency key) the ledger
    /// already submitted is not paid for again; its task is written instead, or, if that submission never got an
    /// answer, it is settled with its own key. The n-th identical input claims the n-th earlier submission. An input
    /// whose earlier task failed (not charged) is sent again.
    /// </summary>
    [Parameter]
    public SwitchParameter Resume { get; set; }

    /// <summary>How many submissions may be in flight at once (each is one round trip to the API).</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 16;

    protected override void ProcessRecord()
    {
        var target = (object?)InputObject ?? Prompt;
        if (InputObject?.BaseObject is FileSystemInfo file)
        {
            // A FileInfo would bind as its path and become a paid text-to-video prompt.
            WriteError(ErrorRecordFactory.Create(
                new ArgumentException(
                    $"'{file.FullName}' is a local file. HiAPI takes a still image only as an https URL (image_urls): upload the image " +
                    "where HiAPI can fetch it and pass -ImageUrl https://..., or pipe objects with an ImageUrl property. Nothing was sent."),
                "LocalFileNotSupported",
                ErrorCategory.InvalidArgument,
                file));
            return;
        }

        if (InputObject is not null)
        {
            _inputNumber++;
        }

        if (InputObject?.BaseObject is string piped && Prompt is not null)
        {
            // `'a','b' | New-HiApiVideoTask -Prompt x` would pay for two tasks of x: a piped string has no other meaning.
            WriteError(ErrorRecordFactory.Create(
                new ArgumentException($"Input {_inputNumber}: the piped text '{Shorten(piped)}' and -Prompt '{Shorten(Prompt)}' both give the prompt. " +
                    "Pipe the prompts, or type -Prompt, not both. Nothing was sent."),
                "PromptGivenTwice",
                ErrorCategory.InvalidArgument,
                piped));
            return;
        }

        var row = RequestRow.From(InputObject);
        WarnAboutUnknownNames(row);
        var request = BuildRequest(row, out var durationError);
        try
        {
            // Locally, before any key lookup or request: bad input must never cost money or a round trip.
            RequestValidator.ThrowIfInvalid(request, durationError);
        }
        catch (HiApiException invalid)
        {
            WriteError(NameTheInput(ErrorRecordFactory.Create(invalid, target ?? request), request));
            return;
        }

        if (Resume.IsPresent && request.IdempotencyKey is null && ClaimEarlier(request) is { } earlier)
        {
            ResumeFrom(earlier, target ?? request);
            return;
        }

        var description = RequestDescription.Describe(request);
        if (!ShouldProcess(description, description + " Continue?", "Submit a paid HiAPI video task"))
        {
            return;
        }

        var session = OnlineSession;
        // The session writes the submission (with its key) to the ledger before the POST, and the task id after it.
        StartQueued(_submissions ??= new BoundedWorkQueue<object, HiApiTask>(ThrottleLimit), target ?? request,
            token => session.SubmitAsync(request, token), WriteTask);
    }

    protected override void EndProcessing() => DrainQueue(_submissions, WriteTask);

    /// <summary>
    /// A terminating error (-ErrorAction Stop on a bad row, a downstream Select-Object -First) ends the command with
    /// submissions in flight. Cut off mid-POST, each would be a task HiAPI may have created and charged that only
    /// Get-HiApiTask -Pending can settle; so let them finish first (each within the client's retry budget): then
    /// every one is in the ledger with its task id before the error reaches the caller. Ctrl+C has cancelled them.
    /// </summary>
    protected override void ReleaseResources()
    {
        if (!Runner.IsStopping)
        {
            _submissions?.Settle(SettleLimit, Runner.Token);
        }
    }

    /// <summary>
    /// The fields of <paramref name="row"/> (null for a piped string or no input), overridden by what was typed on the
    /// command line. A duration that cannot be read as an integer comes back as <paramref name="durationError"/>,
    /// reported with the other problems.
    /// </summary>
    private VideoRequest BuildRequest(RequestRow? row, out FieldError? durationError)
    {
        var prompt = Prompt ?? (InputObject?.BaseObject as string) ?? row?.Prompt;
        var imageUrl = ImageUrl ?? row?.ImageUrl;
        int? duration = Duration;
        durationError = null;
        if (duration is null && row is not null && RequestFieldParser.TryParseDuration(row.Duration, out var parsed, out durationError))
        {
            duration = parsed;
        }

        var model = Model ?? row?.Model ?? (imageUrl is null ? HiApiModels.TextToVideo : HiApiModels.ImageToVideo);

        // ValidateSet ignores case but the API does not: the normalizer restores the contract's spelling.
        return RequestNormalizer.Normalize(new VideoRequest
        {
            Model = model,
            Prompt = prompt,
            ImageUrl = imageUrl,
            AspectRatio = AspectRatio ?? row?.AspectRatio,
            Resolution = Resolution ?? row?.Resolution,
            Duration = duration,
            CallbackUrl = CallbackUrl ?? row?.CallbackUrl,
            IdempotencyKey = IdempotencyKey ?? row?.IdempotencyKey,
        });
    }

    private void WriteTask(object input, HiApiTask task) => WriteObject(task);

    private EarlierSubmission? ClaimEarlier(VideoRequest request)
    {
        if (_history is null)
        {
            _history = Session.LoadSubmissionHistory();
            if (Ledger is null)
            {
                WriteWarning("-Resume has no task ledger to read (-NoLedger or HIAPI_LEDGER=off): every input is submitted.");
            }
        }

        return _history.Claim(request);
    }

    /// <summary>-Resume: the task an earlier run created for this request, or its unanswered submission settled by its key.</summary>
    private void ResumeFrom(EarlierSubmission earlier, object target)
    {
        if (earlier.Task is { } task)
        {
            var when = task.SubmittedAt is { } at ? $" on {at.ToLocalTime():g}" : string.Empty;
            if (ShouldProcess($"{task.TaskId} ({task.Status})", $"Hand back the task submitted{when} for this request; nothing is sent"))
            {
                WriteVerbose($"Input {_inputNumber}: already submitted{when} as {task.TaskId} ({task.Status}); not paid for again (-Resume).");
                WriteObject(task);
            }

            return;
        }

        var submission = earlier.Unresolved!;
        var description = $"Settle the earlier submission of {RequestDescription.Describe(submission.Request)} (Idempotency-Key {submission.IdempotencyKey}): " +
            "sent again with its key, HiAPI returns the task it created, or creates it once.";
        if (!ShouldProcess(description, description + " Continue?", "Settle a paid HiAPI submission"))
        {
            return;
        }

        var session = OnlineSession;
        StartQueued(_submissions ??= new BoundedWorkQueue<object, HiApiTask>(ThrottleLimit), target,
            token => session.SettleAsync(submission, token), WriteTask);
    }

    /// <summary>
    /// A misspelt column (Durations, Res) would silently leave its field at the model's default, and duration is the
    /// price: warn once per name. Other extra columns (Scene, Notes) are normal in a storyboard: a verbose line.
    /// </summary>
    private void WarnAboutUnknownNames(RequestRow? row)
    {
        if (row is null)
        {
            return;
        }

        foreach (var name in row.UnknownNames())
        {
            if (!_reportedNames.Add(name))
            {
                continue;
            }

            // The field names are the parameter names: a field typed on the command line is not left at its default.
            if (RequestRow.LikelyMeant(name) is { } meant && !row.Has(meant) && !MyInvocation.BoundParameters.ContainsKey(meant))
            {
                WriteWarning($"The input property '{name}' is not a request field and is ignored: did you mean '{meant}'? " +
                    $"Without it, {meant} is the model's default.");
            }
            else
            {
                WriteVerbose($"The input property '{name}' is not a request field; ignored.");
            }
        }
    }

    /// <summary>Which piped input a validation error is about (the row's number and prompt), ahead of the API's words.</summary>
    private ErrorRecord NameTheInput(ErrorRecord record, VideoRequest request)
    {
        if (InputObject is null)
        {
            return record;
        }

        var which = request.Prompt is { } prompt ? $"Input {_inputNumber} ('{Shorten(prompt)}')" : $"Input {_inputNumber}";
        record.ErrorDetails = new ErrorDetails($"{which}: {record.ErrorDetails?.Message ?? record.Exception.Message}")
        {
            RecommendedAction = record.ErrorDetails?.RecommendedAction,
        };
        return record;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "...";
}
