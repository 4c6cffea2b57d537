using System.Security.Cryptography;
using System.Text;

namespace HiApi.Client;

/// <summary>
/// What is asked of HiAPI: the one request shape of this library. It is the body of <c>POST /v1/tasks</c> and nothing
/// else (the idempotency key belongs to a submission, not to the request): the task object, the ledger and every
/// comparison carry this type, and two requests are the same exactly when their <see cref="Body"/> bytes are, which is
/// how HiAPI fingerprints a re-sent key. Immutable once built; the body is serialised once, on first use, or kept as read
/// back from the ledger so a re-send carries the bytes first sent, whatever later versions of this code would write.
/// </summary>
public sealed class VideoRequest : IEquatable<VideoRequest>
{
    private byte[]? _body;
    private string? _fingerprint;

    public string Model { get; init; } = HiApiModels.TextToVideo;
    public string? Prompt { get; init; }

    /// <summary>Image-to-video only: the one source image, sent as <c>image_urls: [ImageUrl]</c>.</summary>
    public string? ImageUrl { get; init; }

    /// <summary>Text-to-video only: image-to-video takes the image's aspect ratio.</summary>
    public string? AspectRatio { get; init; }

    public string? Resolution { get; init; }

    /// <summary>Seconds of video; the cost lever (the price is per generated second).</summary>
    public int? Duration { get; init; }

    /// <summary>Sent as <c>callback: {url, when: "final"}</c> at the root of the body.</summary>
    public string? CallbackUrl { get; init; }

    /// <summary>The body exactly as it is (or was) sent: UTF-8 JSON. (Not public: a view or ConvertTo-Json shows <see cref="BodyText"/>.)</summary>
    internal ReadOnlyMemory<byte> Body => _body ??= TaskJson.SerializeCreateBody(this);

    /// <summary>The body as text: what the ledger stores, so the same bytes go with the same key on a re-send.</summary>
    public string BodyText => Encoding.UTF8.GetString(Body.Span);

    /// <summary>Lower-case hex SHA-256 of <see cref="Body"/>: the request's identity, as HiAPI fingerprints a key.</summary>
    public string Fingerprint => _fingerprint ??= Convert.ToHexString(SHA256.HashData(Body.Span)).ToLowerInvariant();

    /// <summary>The same request with other fields; null arguments keep the current value.</summary>
    public VideoRequest With(string? model = null, string? aspectRatio = null, string? resolution = null) => new()
    {
        Model = model ?? Model,
        Prompt = Prompt,
        ImageUrl = ImageUrl,
        AspectRatio = aspectRatio ?? AspectRatio,
        Resolution = resolution ?? Resolution,
        Duration = Duration,
        CallbackUrl = CallbackUrl,
    };

    /// <summary>
    /// The request a stored body describes, keeping those exact bytes for re-sending. Null when the text is not a
    /// create body this library wrote (then the ledger line is unusable, and is skipped like any corrupt line).
    /// </summary>
    public static VideoRequest? FromBody(string bodyText)
    {
        ArgumentNullException.ThrowIfNull(bodyText);
        var request = TaskJson.ParseCreateBody(bodyText);
        if (request is not null)
        {
            request._body = Encoding.UTF8.GetBytes(bodyText);
        }

        return request;
    }

    public bool Equals(VideoRequest? other) => other is not null && Body.Span.SequenceEqual(other.Body.Span);

    public override bool Equals(object? obj) => obj is VideoRequest other && Equals(other);

    public override int GetHashCode() => Fingerprint.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => $"{Model} prompt={(Prompt is null ? "<none>" : $"\"{TextPreview.Shorten(Prompt, 60)}\"")}";
}
