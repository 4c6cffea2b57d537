namespace HiApi.Client;

/// <summary>
/// What the user asks for. Plain settable properties so the cmdlets can bind straight into it;
/// <see cref="RequestValidator"/> decides what is acceptable, exactly as the server would.
/// </summary>
public sealed class VideoRequest
{
    public string Model { get; set; } = HiApiModels.TextToVideo;
    public string? Prompt { get; set; }

    /// <summary>Image-to-video only: the one source image, sent as <c>image_urls: [ImageUrl]</c>.</summary>
    public string? ImageUrl { get; set; }

    /// <summary>Text-to-video only: image-to-video takes the image's aspect ratio.</summary>
    public string? AspectRatio { get; set; }

    public string? Resolution { get; set; }

    /// <summary>Seconds of video; the cost lever (the price is per generated second).</summary>
    public int? Duration { get; set; }

    /// <summary>Sent as <c>callback: {url, when: "final"}</c> at the root of the body.</summary>
    public string? CallbackUrl { get; set; }

    /// <summary>
    /// Sent as the <c>Idempotency-Key</c> header, not in the body. Null: the session makes a new random key for this
    /// submission. The same key with the same body within about 24 hours returns the first task instead of a new one.
    /// </summary>
    public string? IdempotencyKey { get; set; }

    /// <summary>The same request, sent with <paramref name="idempotencyKey"/>.</summary>
    public VideoRequest WithIdempotencyKey(string? idempotencyKey) => new()
    {
        Model = Model,
        Prompt = Prompt,
        ImageUrl = ImageUrl,
        AspectRatio = AspectRatio,
        Resolution = Resolution,
        Duration = Duration,
        CallbackUrl = CallbackUrl,
        IdempotencyKey = idempotencyKey,
    };

    public override string ToString() => $"{Model} prompt={(Prompt is null ? "<none>" : $"\"{Prompt}\"")}";
}
