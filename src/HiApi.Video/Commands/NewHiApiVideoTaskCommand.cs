using System.Management.Automation;
using HiApi.Client;

namespace HiApi.Video.Commands;

/// <summary>
/// New-HiApiVideoTask: submits one paid text-to-video or image-to-video task per input and returns the task.
/// Every field is checked locally first (all problems in one error, in the API's own words), so bad input
/// never costs a request; -WhatIf shows what would be paid for and sends nothing.
/// </summary>
[Cmdlet(VerbsCommon.New, "HiApiVideoTask", DefaultParameterSetName = TextSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(HiApiTask))]
public sealed class NewHiApiVideoTaskCommand : HiApiCommandBase
{
    private const string TextSet = "Text";
    private const string ImageSet = "Image";

    /// <summary>What to film (text-to-video), or the motion to give the still (image-to-video).</summary>
    [Parameter(ParameterSetName = TextSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = ImageSet, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Text")]
    public string? Prompt { get; set; }

    /// <summary>One absolute https URL of the still image (image-to-video).</summary>
    [Parameter(ParameterSetName = ImageSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("image_url", "Image")]
    [ValidateNotNullOrEmpty]
    public string? ImageUrl { get; set; }

    /// <summary>Output aspect ratio (text-to-video only: image-to-video follows the image).</summary>
    [Parameter(ParameterSetName = TextSet, ValueFromPipelineByPropertyName = true)]
    [Alias("aspect_ratio")]
    [ValidateSet("16:9", "9:16", "3:4", "4:3", "4:5", "5:4", "1:1", "9:21", "21:9")]
    public string? AspectRatio { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateSet("720p", "1080p")]
    public string? Resolution { get; set; }

    /// <summary>Seconds of video, 3 to 15. The price lever: you pay per generated second.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(3, 15)]
    public int? Duration { get; set; }

    /// <summary>The model id; defaults to text-to-video or image-to-video by parameter set.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateSet(HiApiModels.TextToVideo, HiApiModels.ImageToVideo)]
    public string? Model { get; set; }

    /// <summary>Where HiAPI POSTs the final task (https; http only for a loopback host).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("callback_url")]
    [ValidateNotNullOrEmpty]
    public string? CallbackUrl { get; set; }

    protected override void ProcessRecord()
    {
        // ValidateSet ignores case but the API does not: the normalizer restores the contract's spelling.
        var request = RequestNormalizer.Normalize(new VideoRequest
        {
            Model = Model ?? (ParameterSetName == ImageSet ? HiApiModels.ImageToVideo : HiApiModels.TextToVideo),
            Prompt = Prompt,
            ImageUrl = ImageUrl,
            AspectRatio = AspectRatio,
            Resolution = Resolution,
            Duration = Duration,
            CallbackUrl = CallbackUrl,
        });

        try
        {
            // Locally, before any key lookup or request: bad input must never cost money or a round trip.
            RequestValidator.ThrowIfInvalid(request);
        }
        catch (HiApiException invalid)
        {
            WriteHiApiError(invalid, request);
            return;
        }

        var description = RequestDescription.Describe(request);
        if (!ShouldProcess(description, description + " Continue?", "Submit a paid HiAPI video task"))
        {
            return;
        }

        try
        {
            // The session records the task in the ledger before it comes back, even if Ctrl+C ends the wait.
            var task = Run(token => OnlineSession.SubmitAsync(request, token));
            WriteObject(task);
        }
        catch (HiApiException failure)
        {
            WriteHiApiError(failure, request);
        }
    }
}
