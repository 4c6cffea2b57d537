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
    private readonly HashSet<string> _reportedRowProblems = new(StringComparer.OrdinalIgnoreCase);
    private BoundedWorkQueue<object, HiApiTask>? _submissions;
    private QueueProgress? _progress;
    private BatchRun? _run;
    private bool _refusedToResume;
    private ResumeChoice? _resumeChoice;
    private readonly List<AcceptedInput> _held = new();
    private AcceptedInput? _submitting;
    private int _inputNumber;
    private int _unresolved;
    private SpendBudget? _budget;
    private CostGuard? _costs;
    private bool _whatIf;
    private bool _warnedAboutPrices;

    /// <summary>A refusal of the key or the account: the inputs after it that it covers are not sent.</summary>
    private readonly AccountRefusal _refusal = new();

    /// <summary>Refusals of inputs in flight that repeat an account-wide one: counted in its summary, not written again.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<HiApiException, bool> _folded = new();

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
    /// The Idempotency-Key for this submission (default: derived from the batch, the request and its occurrence). Sending
    /// the same key and the same request again within about 24 hours returns the first task instead of paying for a second one.
    /// </summary>
    [Parameter]
    [ValidateLength(1, RequestValidator.MaxIdempotencyKeyBytes)]
    public string? IdempotencyKey { get; set; }

    /// <summary>
    /// The batch these inputs belong to. Each input's Idempotency-Key is derived from this name, the request and its
    /// occurrence in the input, so running the same command with the same -Batch again never pays twice: inputs already
    /// submitted give back their tasks, unanswered ones are settled with their keys, only inputs never sent are sent.
    /// Without -Batch, every run is a new batch (a new take) with a name of its own.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Batch { get; set; }

    /// <summary>
    /// Continue the one earlier batch that holds these inputs (see <see cref="ResumeChoice"/>): unfinished batches first,
    /// told apart by the inputs each holds; inputs are held back, unsent, until it is known. It says which (-Verbose).
    /// When it cannot tell, nothing is sent and the error names the candidates. With -Batch, that batch is the one continued.
    /// </summary>
    [Parameter]
    public SwitchParameter Resume { get; set; }

    /// <summary>
    /// Submit again an input of the batch whose task failed, as its next attempt (a new key, ending .2, .3, ...): a new
    /// paid task. Without it, a re-run hands a failed task back as it is (HiAPI may have charged it) and warns.
    /// </summary>
    [Parameter]
    public SwitchParameter RetryFailed { get; set; }

    /// <summary>
    /// The most this run may spend, in USD, estimated from HiAPI's public price list (before any account discount) and
    /// enforced here, not by HiAPI. Inputs are admitted in order while the estimated total stays within it; the first
    /// input that would pass it, and every input after it, is not sent (HiApi.BudgetExceeded). With a budget, an input
    /// whose cost cannot be estimated (no price list, no duration) is not sent either. Tasks handed back by a re-run of
    /// the batch cost nothing and do not count. Default: $env:HIAPI_MAX_COST_USD, else no budget.
    /// </summary>
    [Parameter]
    [PlainNumber]
    public decimal? MaxCostUsd { get; set; }

    /// <summary>How many submissions may be in flight at once (each is one round trip to the API).</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 16;

    /// <summary>
    /// Send a prompt that looks like a file path as it is. Without it, a prompt that names an existing file, or is a lone
    /// path ending .csv, .tsv, .json, .txt or .xlsx, is refused before anything is sent: it usually means "read this
    /// storyboard" (Import-Csv file.csv | New-HiApiVideoTask), and would otherwise be one paid video of a file name.
    /// </summary>
    [Parameter]
    public SwitchParameter AllowPathLikePrompt { get; set; }

    protected override void BeginProcessing()
    {
        _whatIf = LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"))
            || (MyInvocation.BoundParameters.TryGetValue("WhatIf", out var whatIf) && LanguagePrimitives.IsTrue(whatIf));
        try
        {
            // Before any input: a budget that cannot be read must stop the run, not be taken for "no budget".
            _budget = SpendBudget.Resolve(MaxCostUsd);
        }
        catch (HiApiException unusable)
        {
            ThrowHiApiError(unusable);
        }
    }

    protected override void ProcessRecord()
    {
        var target = (object?)InputObject ?? Prompt;
        if (InputObject is not null)
        {
            _inputNumber++;
        }

        if (InputObject?.BaseObject is FileSystemInfo file)
        {
            // A FileInfo would bind as its path and become a paid text-to-video prompt.
            WriteError(ErrorRecordFactory.Create(
                new ArgumentException(
                    $"{InputName.Of(_inputNumber, null)}: '{file.FullName}' is a local file. HiAPI takes a still image only as an https URL (image_urls): upload the image " +
                    "where HiAPI can fetch it and pass -ImageUrl https://..., or pipe objects with an ImageUrl property. Nothing was sent."),
                "LocalFileNotSupported",
                ErrorCategory.InvalidArgument,
                file));
            return;
        }

        if (InputObject?.BaseObject is string piped && Prompt is not null)
        {
            // `'a','b' | New-HiApiVideoTask -Prompt x` would pay for two tasks of x: a piped string has no other meaning.
            WriteError(ErrorRecordFactory.Create(
                new ArgumentException($"{InputName.Of(_inputNumber, null)}: the piped text '{Shorten(piped)}' and -Prompt '{Shorten(Prompt)}' both give the prompt. " +
                    "Pipe the prompts, or type -Prompt, not both. Nothing was sent."),
                "PromptGivenTwice",
                ErrorCategory.InvalidArgument,
                piped));
            return;
        }

        if (InputObject?.BaseObject is LedgerSubmission earlier)
        {
            SettlePiped(earlier);
            return;
        }

        var row = RequestRow.From(InputObject);
        WarnAboutUnknownNames(row);
        var request = BuildRequest(row, out var durationError, out var userKey);
        try
        {
            // Locally, before any key lookup or request: bad input must never cost money or a round trip.
            RequestValidator.ThrowIfInvalid(request, durationError, userKey);
        }
        catch (HiApiException invalid)
        {
            WriteError(NameTheInput(ErrorRecordFactory.Create(invalid, target ?? request), request));
            return;
        }

        if (!AllowPathLikePrompt && PathLikePrompt.Check(request.Prompt, ResolvePromptPath) is { } looksLikePath)
        {
            WriteError(ErrorRecordFactory.Create(
                new ArgumentException(InputObject is null ? char.ToUpperInvariant(looksLikePath[0]) + looksLikePath[1..] : $"{InputName.Of(_inputNumber, null)}: {looksLikePath}"),
                "PromptLooksLikePath",
                ErrorCategory.InvalidArgument,
                target));
            return;
        }

        if (NotSentAfterRefusal(request.Model))
        {
            return; // the key or account was refused: counted, said once at the end
        }

        if (_refusedToResume)
        {
            return; // -Resume could not tell which batch: said once, nothing is sent for any input
        }

        var accepted = new AcceptedInput(target ?? request, request, userKey, RowOf(row), InputObject is null ? null : _inputNumber);
        if (_run is null && Resume.IsPresent && Batch is null)
        {
            HoldUntilResumeChooses(accepted);
            return;
        }

        Submit(_run ??= StartRun(), accepted);
    }

    /// <summary>
    /// Plans, prices, confirms, claims and sends one accepted input in <paramref name="run"/>, or hands back the task its
    /// key already has.
    /// </summary>
    private void Submit(BatchRun run, AcceptedInput accepted)
    {
        _submitting = accepted;
        try
        {
            SubmitCurrent(run, accepted);
        }
        finally
        {
            _submitting = null;
        }
    }

    private void SubmitCurrent(BatchRun run, AcceptedInput accepted)
    {
        var (target, request, userKey, taskRow, inputNumber) = accepted;
        PlannedInput input;
        try
        {
            // The row travels with the task, outside the request: an extra column never changes what is sent, nor its key.
            // An input's number is its place in the pipeline, refused inputs included, as errors count them.
            input = run.Plan(request, userKey, taskRow, inputNumber, RetryFailed.IsPresent);
        }
        catch (HiApiException unreadable)
        {
            WriteError(NameTheInput(ErrorRecordFactory.Create(unreadable, target ?? request), request));
            return;
        }

        BudgetDecision? cost = null;
        if (input.Known?.Kind is not (SubmissionClaimKind.Created or SubmissionClaimKind.Conflict) && (cost = Price(input)) is not { Allowed: true })
        {
            return; // refused by the budget: said, nothing sent
        }

        if (!ShouldProcess(input, cost?.Estimate))
        {
            RefundUnlessWhatIf(cost);
            return;
        }

        input = input with { Submission = input.Submission with { EstimatedCostUsd = cost?.Estimate.Usd } };
        // Write-ahead, on this thread and in input order, once there is room to send: the submission's identity is on disk
        // before a byte of it is sent, and a run cut off leaves no claimed input that was never about to be sent.
        var queue = _submissions ??= new BoundedWorkQueue<object, HiApiTask>(ThrottleLimit);
        WaitForRoom(queue, WriteTask, Submitting.Write);
        if (NotSentAfterRefusal(request.Model))
        {
            RefundUnlessWhatIf(cost); // refused while this input waited for room: not sent, not paid for
            return;
        }

        SubmissionClaim? claim;
        try
        {
            claim = run.Claim(input);
        }
        catch (HiApiException unrecorded)
        {
            WriteError(NameTheInput(ErrorRecordFactory.Create(unrecorded, target ?? request), request));
            return;
        }

        if (claim?.Kind == SubmissionClaimKind.Created)
        {
            WriteVerbose($"Input {input.Submission.InputNumber}: another run created its task {claim.Task!.TaskId} meanwhile; not paid for again.");
            WriteObject(Session.HandBack(claim.Task, input.Submission));
            return;
        }

        var session = OnlineSession;
        Submitting.Start();
        var job = new SubmissionJob(target ?? request, NameOf(request), input.Submission.InputNumber, request.Model);
        StartQueued(queue, job, token => Submitting.Track(Accounted(session.SendAsync(input.Submission, claim, token), cost, job)), WriteTask, Submitting.Write);
    }

    protected override void EndProcessing()
    {
        if (_resumeChoice is not null && _run is null && !_refusedToResume && _held.Count > 0)
        {
            // Every input was read and several batches hold them all: choose now (the latest unfinished one).
            ContinueResumed(() => _resumeChoice.Conclude());
        }

        DrainQueue(_submissions, WriteTask, Submitting.Write);
        Submitting.Complete();
        if (_costs is { } costs)
        {
            var total = $"Estimated total: {costs.DescribeTotal()}.";
            if (_whatIf)
            {
                ShouldProcess(total, total, "Estimated total"); // -WhatIf writes it as its last line: "What if: Estimated total: ..."
            }
            else
            {
                WriteVerbose(total);
            }
        }

        if (_run is { } refusedRun && _refusal.Summary(refusedRun.Name, refusedRun.Named) is { } notSent)
        {
            WriteWarning(notSent);
        }

        if (_run is { } run && _unresolved == 0 && !_refusal.LeftInputsUnsent)
        {
            // Every input was read and sent, and nothing sent is left unanswered: -Resume will not pick this batch again.
            try
            {
                run.Finish();
            }
            catch (Exception unrecorded) when (unrecorded is IOException or UnauthorizedAccessException)
            {
                WriteWarning($"Batch '{run.Name}' could not be marked finished in the task ledger ({unrecorded.Message}); -Resume may offer it again.");
            }
        }
    }

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
    private VideoRequest BuildRequest(RequestRow? row, out FieldError? durationError, out string? userKey)
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
        userKey = IdempotencyKey ?? row?.IdempotencyKey;

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
        });
    }

    private void WriteTask(object input, HiApiTask task) => WriteObject(task);

    /// <summary>
    /// -Resume without -Batch: the input is held back, unsent, until <see cref="ResumeChoice"/> knows which earlier batch
    /// the run continues (the first input may be held by several, two storyboards that share a first row); then every
    /// held input is submitted in that batch, in order. When it cannot tell, one error says so and nothing is sent for
    /// any input.
    /// </summary>
    private void HoldUntilResumeChooses(AcceptedInput accepted)
    {
        _held.Add(accepted);
        ContinueResumed(() =>
        {
            _resumeChoice ??= ResumeChoice.Begin(Session);
            var chosen = _resumeChoice.Offer(accepted.Request, accepted.UserKey);
            if (chosen is null && _held.Count == 2)
            {
                WriteVerbose($"-Resume: {_resumeChoice.Candidates.Count} batches hold the inputs read so far; reading further inputs to tell which one this run continues (nothing is sent meanwhile).");
            }

            return chosen;
        });
    }

    /// <summary>Runs a step of the -Resume choice; once it has chosen, submits the held inputs in the chosen batch.</summary>
    private void ContinueResumed(Func<BatchRun?> choose)
    {
        BatchRun? chosen;
        try
        {
            chosen = choose();
        }
        catch (HiApiException nothing) when (nothing.Kind == HiApiErrorKind.NothingToResume)
        {
            _refusedToResume = true;
            WriteHiApiError(nothing, _held[0].Request);
            _held.Clear();
            return;
        }

        if (chosen is null)
        {
            return;
        }

        WriteVerbose($"-Resume: continuing batch '{chosen.Name}', {chosen.ResumedBecause}.");
        if (_resumeChoice?.FinishedAlsoHolding is { Count: > 0 } finished)
        {
            // An unfinished batch wins (a cut-off run is what -Resume is for), but a finished one also holds the first input:
            // if this run is that storyboard, its rows would be paid again in the other batch. Say so before anything is sent.
            WriteWarning($"-Resume continues the unfinished batch '{chosen.Name}'; the finished batch{(finished.Count == 1 ? "" : "es")} " +
                $"{string.Join(", ", finished.Select(name => $"'{name}'"))} also hold{(finished.Count == 1 ? "s" : "")} the first input. " +
                $"If this run is {(finished.Count == 1 ? "that one" : "one of those")}, stop now (Ctrl+C) and run it with -Batch '{finished[^1]}' instead: its tasks are handed back, nothing is paid twice.");
        }

        _run = chosen;
        var held = _held.ToArray();
        _held.Clear();
        foreach (var input in held)
        {
            Submit(chosen, input);
        }
    }

    /// <summary>The run these inputs belong to: -Batch's, or a new batch.</summary>
    private BatchRun StartRun()
    {
        try
        {
            var run = BatchRun.Start(Session, Batch);
            if (Resume.IsPresent && Ledger is { } ledger && ledger.GetBatches().All(batch => batch.Name != run.Name))
            {
                WriteWarning($"-Resume: the task ledger holds no batch '{run.Name}'; its inputs are submitted (HiAPI still returns the tasks it created for the same keys, for about 24 hours).");
            }

            WriteVerbose($"Batch '{run.Name}'{(run.Named ? string.Empty : " (a new batch: name one with -Batch to make running this command again safe)")}.");
            return run;
        }
        catch (HiApiException refused)
        {
            ThrowHiApiError(refused);
            throw; // unreachable: ThrowTerminatingError always throws
        }
    }

    /// <summary>
    /// The input's estimated cost, admitted to the run's budget (in input order). A refusal is written as its error, naming
    /// the input; nothing is sent for it. Without a budget every input is admitted, and the estimate may be unknown (said
    /// once, with why).
    /// </summary>
    private BudgetDecision Price(PlannedInput input)
    {
        var request = input.Submission.Request;
        if (_costs is null)
        {
            var prices = new PriceListClient(CreateOptions(readKey: false));
            _costs = new CostGuard(_budget!, token => PriceListCache.Shared.GetAsync(prices, refresh: false, token));
        }

        var estimate = Run(token => _costs.EstimateAsync(request, token));
        if (!_warnedAboutPrices && _costs.PriceListError is { } unreadable && !_costs.Budget.IsEnforced)
        {
            _warnedAboutPrices = true;
            WriteWarning($"Estimates are unknown: {unreadable.Message.TrimEnd('.')}. The tasks are submitted without one; with -MaxCostUsd nothing would be sent.");
        }

        var decision = _costs.Admit(estimate, input.Submission.InputNumber);
        if (!decision.Allowed)
        {
            WriteError(NameTheInput(ErrorRecordFactory.Create(decision.ToException(), request), request));
        }

        return decision;
    }

    /// <summary>An input admitted and then not sent (declined at -Confirm) costs nothing; under -WhatIf it counts, for the total.</summary>
    private void RefundUnlessWhatIf(BudgetDecision? cost)
    {
        if (cost is not null && !_whatIf)
        {
            _costs!.Refund(cost);
        }
    }

    /// <summary>
    /// Asks before money may move, with what the ledger knows of the input's key: a new paid task (with its estimated
    /// cost), an unanswered earlier submission sent again with its key, or a task handed back (nothing sent; written
    /// here, and false returned).
    /// </summary>
    private bool ShouldProcess(PlannedInput input, CostEstimate? estimate)
    {
        var submission = input.Submission;
        switch (input.Known?.Kind)
        {
            case SubmissionClaimKind.Created:
                var task = input.Known.Task!.ToTask();
                // The task's own batch, as the ledger recorded it: a key given by hand may hold a task of another batch.
                var batch = input.Known.Task!.Batch ?? submission.Batch;
                var when = task.SubmittedAt is { } at ? $" {UtcText.Minutes(at)}" : string.Empty;
                if (task.Status == HiApiTaskStatus.Fail)
                {
                    // Never a silent no-op: the input has no video, and sending it again is a new paid task.
                    WriteWarning($"Input {submission.InputNumber}: its task {task.TaskId} failed" +
                        (task.Error is { } error ? $" ({TextPreview.Shorten(error.ToString(), 100)})" : string.Empty) +
                        "; it is handed back, not sent again. To submit it again as a new paid task, add -RetryFailed.");
                }

                // ShouldProcess says it once (-Verbose, -WhatIf): nothing is paid, so nothing more is asked.
                if (ShouldProcess($"{task.TaskId} ({task.Status})", $"Hand back the task created{when} in batch '{batch}' for input {submission.InputNumber}: nothing is sent, not paid for again"))
                {
                    WriteObject(Session.HandBack(input.Known.Task!, submission));
                }

                return false;
            case SubmissionClaimKind.Conflict:
                WriteError(NameTheInput(ErrorRecordFactory.Create(input.Known.ConflictError(submission), submission.Request), submission.Request));
                return false;
            case SubmissionClaimKind.Unresolved:
                var settle = $"Settle the earlier submission of {RequestDescription.Subject(submission.Request)} in batch '{submission.Batch}' (Idempotency-Key {submission.IdempotencyKey}): " +
                    $"it never got an answer; sent again with its key, HiAPI returns the task it created, or creates it once ({RequestDescription.Cost(estimate)}).";
                return ShouldProcess(settle, settle + " Continue?", "Settle a paid HiAPI submission");
            default:
                var description = RequestDescription.Describe(submission.Request, estimate);
                if (input.Attempt > 1)
                {
                    description += $" (Attempt {input.Attempt}: the earlier task of this input failed; -RetryFailed sends it again as a new task.)";
                }

                return ShouldProcess(description, description + " Continue?", "Submit a paid HiAPI video task");
        }
    }

    /// <summary>
    /// What of the input travels with its task (<see cref="TaskRow"/>): a row's columns that are not request fields, or the
    /// row of a task piped back in. What the row cannot keep as it is (a list, bytes, a value too long, past the bounds) is
    /// warned about once per column name.
    /// </summary>
    private TaskRow? RowOf(RequestRow? row)
    {
        if (InputObject?.BaseObject is HiApiTask { Row: { } carried })
        {
            return carried;
        }

        if (row is null)
        {
            return null;
        }

        var problems = new List<TaskRowProblem>();
        var kept = TaskRow.From(row.OtherProperties(), problems);
        foreach (var problem in problems.Where(problem => _reportedRowProblems.Add(problem.Name)))
        {
            WriteWarning($"Input {_inputNumber}, property '{problem.Name}': {problem.Problem}.");
        }

        return kept;
    }

    /// <summary>The parameters that shape a request or pick its key: none of them applies to a submission piped back.</summary>
    private static readonly string[] SettleIgnores =
        [nameof(Prompt), nameof(ImageUrl), nameof(AspectRatio), nameof(Resolution), nameof(Duration), nameof(Model), nameof(CallbackUrl),
         nameof(IdempotencyKey), nameof(Batch), nameof(Resume), nameof(RetryFailed)];

    /// <summary>
    /// A submission piped back from the ledger (Get-HiApiSubmission): sent again with its own key and bytes. It may create a
    /// paid task (one that never reached HiAPI), so it is estimated and held to the budget like any other input.
    /// </summary>
    private void SettlePiped(LedgerSubmission earlier)
    {
        // Its key binds the bytes first sent: a typed field or batch cannot change it, and must not be silently dropped.
        var typed = SettleIgnores.Where(MyInvocation.BoundParameters.ContainsKey).Select(name => "-" + name).ToArray();
        if (typed.Length > 0)
        {
            WriteError(ErrorRecordFactory.Create(
                new ArgumentException(
                    $"{InputName.Of(_inputNumber, null)}: {string.Join(", ", typed)} cannot change a submission piped back from the ledger: it is sent again exactly as " +
                    $"first sent ({RequestDescription.Subject(earlier.Request)}, batch '{earlier.Batch}'), because its Idempotency-Key goes with those bytes. " +
                    "Nothing was sent. Pipe it without them to settle it; for a different request, submit a new one."),
                "SettleCannotChangeRequest",
                ErrorCategory.InvalidArgument,
                earlier));
            return;
        }

        if (NotSentAfterRefusal(earlier.Request.Model))
        {
            return; // the key or account was refused: counted, said once at the end
        }

        var cost = Price(new PlannedInput(earlier.Planned, Known: null, Attempt: 1));
        if (cost is not { Allowed: true })
        {
            return; // refused by the budget: said, nothing sent
        }

        var description = $"Settle the submission of {RequestDescription.Subject(earlier.Request)}{(earlier.Batch is null ? "" : $" in batch '{earlier.Batch}'")} " +
            $"(Idempotency-Key {earlier.IdempotencyKey}): sent again with its key, HiAPI returns the task it created, or creates it once ({RequestDescription.Cost(cost.Estimate)}).";
        if (!ShouldProcess(description, description + " Continue?", "Settle a paid HiAPI submission"))
        {
            RefundUnlessWhatIf(cost);
            return;
        }

        var session = OnlineSession;
        Submitting.Start();
        var job = new SubmissionJob(earlier, InputName.Of(_inputNumber, earlier.Request.Prompt), _inputNumber, earlier.Request.Model);
        StartQueued(_submissions ??= new BoundedWorkQueue<object, HiApiTask>(ThrottleLimit), job,
            token => Submitting.Track(Accounted(session.SettleAsync(earlier, token), cost, job)), WriteTask, Submitting.Write);
    }

    /// <summary>
    /// The bar of the submissions: how many were answered (of how many, when they were typed rather than piped), how many
    /// are in flight, and the rate. Drawn while this cmdlet waits for an answer, so a long batch never sits silent.
    /// </summary>
    private QueueProgress Submitting => _progress ??= new QueueProgress(this, 4713, "Submitting HiAPI tasks", "submitted")
    {
        Total = MyInvocation.ExpectingInput ? null : 1,
    };

    /// <summary>
    /// Counts the submissions left unanswered (a run that leaves any is not finished, so -Resume finds it), and takes a
    /// submission HiAPI provably refused back out of the budget's total (it cost nothing). An unknown outcome is never
    /// refunded: it may have been paid for.
    /// </summary>
    private async Task<HiApiTask> Accounted(Task<HiApiTask> sending, BudgetDecision? cost, SubmissionJob job)
    {
        try
        {
            return await sending.ConfigureAwait(false);
        }
        catch (HiApiException failed)
        {
            // Here, as soon as it comes back: the next input must not be sent once the key or account was refused.
            if (_refusal.Observe(failed, job.Model, job.InputNumber) == RefusalReport.Folded)
            {
                _folded[failed] = true;
            }

            if (failed.TaskMayHaveBeenCreated)
            {
                Interlocked.Increment(ref _unresolved); // an unknown outcome is never refunded: it may have been paid for
            }
            else if (cost is not null)
            {
                _costs!.Refund(cost);
            }

            throw;
        }
    }

    /// <summary>
    /// Whether an input of <paramref name="model"/> is held back because HiAPI refused the key or the account for an
    /// earlier one (<see cref="AccountRefusal"/>): counted, and said once at the end, not once per input.
    /// </summary>
    private bool NotSentAfterRefusal(string model)
    {
        if (_refusal.Stopping(model) is null)
        {
            return false;
        }

        _refusal.NotSent();
        return true;
    }

    /// <summary>Names the input of a submission that failed, or leaves it to the summary when it repeats an account-wide refusal.</summary>
    protected override void WriteFailure(HiApiException failure, object? item)
    {
        if (_folded.TryRemove(failure, out _))
        {
            return;
        }

        WriteError(InputName.Prefix(ErrorRecordFactory.Create(failure, ErrorTargetOf(item)), (item as SubmissionJob)?.Name));
    }

    /// <summary>A prompt as a path, against the PowerShell location (not the process's directory); null when it cannot be one.</summary>
    private string? ResolvePromptPath(string text)
    {
        try
        {
            return SessionState.Path.GetUnresolvedProviderPathFromPSPath(text);
        }
        catch (Exception notAPath) when (notAPath is not PipelineStoppedException)
        {
            return null;
        }
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

            if (RequestRow.JoinedFieldsSeparator(name) is { } separator)
            {
                // One column named 'Prompt;Duration;Resolution': a ';' CSV (Excel where the decimal separator is a comma) read with ','.
                var delimiter = separator == '\t' ? "\"`t\"" : $"'{separator}'";
                WriteWarning($"The input has one column named '{Shorten(name)}': its fields are separated by {delimiter}, which was not used to read it. " +
                    $"Read the file with Import-Csv -Delimiter {delimiter}.");
                continue;
            }

            // The field names are the parameter names: a field typed on the command line is not left at its default.
            if (RequestRow.LikelyMeant(name) is { } meant && !row.Has(meant) && !MyInvocation.BoundParameters.ContainsKey(meant))
            {
                WriteWarning($"The input property '{name}' is not a request field and is ignored: did you mean '{meant}'? " +
                    $"Without it, {RequestRow.WithoutIt(meant)}.");
            }
            else
            {
                WriteVerbose($"The input property '{name}' is not a request field; it is not sent, and travels with the task in its Row.");
            }
        }
    }

    /// <summary>Which piped input an error is about (the row's number and prompt), ahead of its own words.</summary>
    private ErrorRecord NameTheInput(ErrorRecord record, VideoRequest request) => InputName.Prefix(record, NameOf(request));

    /// <summary>How errors name the current input; null for a prompt typed on the command line, the command's only input.</summary>
    private string? NameOf(VideoRequest request)
    {
        // An input -Resume held back is submitted while a later one is current: it keeps its own number.
        var number = _submitting is { } held ? held.InputNumber : InputObject is null ? null : _inputNumber;
        return number is { } n ? InputName.Of(n, request.Prompt) : null;
    }

    private static string Shorten(string text) => InputName.Shorten(text);
}
