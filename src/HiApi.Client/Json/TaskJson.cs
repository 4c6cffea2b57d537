using System.Globalization;
using System.Text.Json;

namespace HiApi.Client;

/// <summary>Translates between the API's JSON and this library's models.</summary>
internal static class TaskJson
{
    /// <summary>Above this, an <c>expireAt</c> can only be milliseconds (it would be past the year 5000 in seconds).</summary>
    private const double MillisecondsThreshold = 100_000_000_000d;

    public static byte[] SerializeCreateBody(VideoRequest request)
    {
        var body = new CreateTaskBody
        {
            Model = request.Model ?? string.Empty,
            Input = new CreateTaskInput
            {
                ImageUrls = request.ImageUrl is null ? null : new[] { request.ImageUrl },
                Prompt = request.Prompt,
                AspectRatio = request.AspectRatio,
                Resolution = request.Resolution,
                Duration = request.Duration,
            },
            Callback = request.CallbackUrl is null ? null : new CallbackBody { Url = request.CallbackUrl, When = "final" },
        };

        return JsonSerializer.SerializeToUtf8Bytes(body, HiApiJsonContext.Default.CreateTaskBody);
    }

    /// <summary>
    /// The request a create body describes (the inverse of <see cref="SerializeCreateBody"/>), or null when the text is not
    /// such a body: an object with a string <c>model</c>, an object <c>input</c> (at most one image URL), and an optional
    /// <c>callback</c> object with a string <c>url</c>.
    /// </summary>
    public static VideoRequest? ParseCreateBody(string bodyText)
    {
        try
        {
            using var document = JsonDocument.Parse(bodyText);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("input", out var input) || input.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            string? imageUrl = null;
            if (input.TryGetProperty("image_urls", out var images))
            {
                if (images.ValueKind != JsonValueKind.Array || images.GetArrayLength() != 1 || images[0].ValueKind != JsonValueKind.String)
                {
                    return null;
                }

                imageUrl = images[0].GetString();
            }

            string? callbackUrl = null;
            if (root.TryGetProperty("callback", out var callback))
            {
                if (callback.ValueKind != JsonValueKind.Object || !callback.TryGetProperty("url", out var url) || url.ValueKind != JsonValueKind.String)
                {
                    return null;
                }

                callbackUrl = url.GetString();
            }

            return new VideoRequest
            {
                Model = model.GetString()!,
                Prompt = Text(input, "prompt"),
                ImageUrl = imageUrl,
                AspectRatio = Text(input, "aspect_ratio"),
                Resolution = Text(input, "resolution"),
                Duration = input.TryGetProperty("duration", out var duration) && duration.TryGetInt32(out var seconds) ? seconds : null,
                CallbackUrl = callbackUrl,
            };
        }
        catch (Exception unreadable) when (unreadable is JsonException or InvalidOperationException)
        {
            return null;
        }

        static string? Text(JsonElement input, string name) =>
            input.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }

    /// <summary>
    /// The task the server's <paramref name="data"/> describes, with every secret it echoed redacted by
    /// <paramref name="secrets"/>: the one way a server's task becomes a <see cref="HiApiTask"/>.
    /// </summary>
    /// <exception cref="HiApiException">Kind <see cref="HiApiErrorKind.InvalidResponse"/>: its id or a URL holds a secret.</exception>
    public static HiApiTask ToTask(TaskData data, string fallbackTaskId, DateTimeOffset retrievedAt, SecretRedactor secrets)
    {
        var outputs = new List<TaskOutput>();
        foreach (var output in data.Output ?? new List<TaskOutputData?>())
        {
            if (output is not null && !string.IsNullOrEmpty(output.Url))
            {
                outputs.Add(new TaskOutput(output.Type ?? string.Empty, output.Url, output.ExpireAt));
            }
        }

        TaskError? error = null;
        if (data.Error is { } rawError)
        {
            var code = ReadCode(rawError.Code);
            if (code.Length > 0 || !string.IsNullOrEmpty(rawError.Message))
            {
                error = new TaskError(code, rawError.Message ?? string.Empty);
            }
        }

        return secrets.Redact(new HiApiTask(string.IsNullOrWhiteSpace(data.TaskId) ? fallbackTaskId : data.TaskId)
        {
            Model = data.Model,
            Status = HiApiTask.ParseStatus(data.Status),
            StatusText = data.Status,
            Outputs = outputs.AsReadOnly(),
            Error = error,
            Storage = data.Storage,
            CreatedAt = data.Created,
            CompletedAt = data.Completed,
            RetrievedAt = retrievedAt,
        }, requestedTaskId: fallbackTaskId);
    }

    /// <summary>
    /// A task body from wherever it came: wrapped in the <c>{code, data}</c> envelope (GET, most
    /// callbacks) or bare (the seed's receiver does <c>body.get("data", body)</c>). Null when it holds no task; the
    /// <see cref="HiApiException"/> of <see cref="ToTask"/> when its id or a URL holds a secret.
    /// </summary>
    public static HiApiTask? ParseTaskBody(ReadOnlySpan<byte> json, string? fallbackTaskId, DateTimeOffset retrievedAt, SecretRedactor secrets)
    {
        try
        {
            var envelope = JsonSerializer.Deserialize(json, HiApiJsonContext.Default.TaskResponse);
            var data = envelope?.Data ?? JsonSerializer.Deserialize(json, HiApiJsonContext.Default.TaskData);
            if (data is null)
            {
                return null;
            }

            var id = string.IsNullOrWhiteSpace(data.TaskId) ? fallbackTaskId : data.TaskId;
            return string.IsNullOrWhiteSpace(id) ? null : ToTask(data, id!, retrievedAt, secrets);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static DateTimeOffset? ParseExpireAt(JsonElement? raw) => raw is not { } element
        ? null
        : element.ValueKind switch
        {
            JsonValueKind.Number => ExpireAtFromNumber(element.GetDouble()),
            JsonValueKind.String => ExpireAtFromText(element.GetString()),
            _ => null,
        };

    /// <summary>Unix seconds, or milliseconds when too large to be seconds; null when not after the epoch.</summary>
    public static DateTimeOffset? ExpireAtFromNumber(double value)
    {
        if (double.IsNaN(value) || value <= 0)
        {
            return null;
        }

        var milliseconds = value >= MillisecondsThreshold ? value : value * 1000d;
        return milliseconds < 253_402_300_799_000d
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)milliseconds)
            : null;
    }

    /// <summary>A number in a string (as <see cref="ExpireAtFromNumber"/>), else a date; null when neither.</summary>
    public static DateTimeOffset? ExpireAtFromText(string? text)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
            && !double.IsNaN(parsed) && parsed > 0)
        {
            return ExpireAtFromNumber(parsed);
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            ? date
            : null;
    }

    private static string ReadCode(JsonElement? raw) => raw is not { } element
        ? string.Empty
        : element.ValueKind switch
        {
            JsonValueKind.String => element.GetString() ?? string.Empty,
            JsonValueKind.Number => element.GetRawText(),
            _ => string.Empty,
        };
}
