using System.Globalization;
using System.Text;

namespace HiApi.Client;

/// <summary>
/// Refuses bad input before any HTTP request (a refused request costs nothing, but a round trip per
/// mistake is slow), reporting every problem at once in exactly the words of the server's 400
/// message, so a script sees the same text whether the client or the server caught it.
/// </summary>
public static class RequestValidator
{
    internal const string RequestPrefix = "invalid request: ";
    public const string InputPrefix = "invalid input: ";
    internal const string CallbackUrlField = "callback.url";
    internal const string ModelField = "model";
    internal const string IdempotencyKeyField = "Idempotency-Key";

    /// <summary>The contract's limit for the <c>Idempotency-Key</c> header.</summary>
    public const int MaxIdempotencyKeyBytes = 255;
    internal const string AdditionalPropertiesPrefix = "additional properties '";
    private const string Separator = "; ";

    private static readonly string AspectRatioChoices = QuoteList(HiApiSchema.AspectRatios);
    private static readonly string ResolutionChoices = QuoteList(HiApiSchema.Resolutions);
    private static readonly string ModelChoices = QuoteList(HiApiModels.All);

    /// <summary>
    /// Every problem with <paramref name="request"/>, in the order the server reports them. <paramref name="durationError"/>
    /// is a duration that could not even be read as an integer (see <see cref="RequestFieldParser"/>): it is reported
    /// where the duration's own error would be.
    /// </summary>
    public static IReadOnlyList<FieldError> Validate(VideoRequest request, FieldError? durationError = null, string? idempotencyKey = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new List<FieldError>();

        switch (request.Model)
        {
            case HiApiModels.TextToVideo:
                ValidateTextToVideo(request, durationError, errors);
                break;
            case HiApiModels.ImageToVideo:
                ValidateImageToVideo(request, durationError, errors);
                break;
            default:
                // Without a known model there is no input schema to check against.
                errors.Add(new FieldError(ModelField, $"value must be one of {ModelChoices}"));
                if (durationError is not null)
                {
                    errors.Add(durationError);
                }

                break;
        }

        ValidateCallback(request.CallbackUrl, errors);
        ValidateIdempotencyKey(idempotencyKey, errors);
        return errors.AsReadOnly();
    }

    /// <summary>
    /// The server's 400 message for <paramref name="errors"/>: the request part, then
    /// <c>invalid input: </c> with the input errors joined by <c>; </c>, then the callback part.
    /// Null when there is nothing to report.
    /// </summary>
    public static string? FormatMessage(IReadOnlyList<FieldError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count == 0)
        {
            return null;
        }

        var requestPart = new List<string>();
        var inputPart = new List<string>();
        var callbackPart = new List<string>();
        foreach (var error in errors)
        {
            if (error.Field is ModelField or IdempotencyKeyField)
            {
                requestPart.Add($"{error.Field}: {error.Message}");
            }
            else if (error.Field.StartsWith("callback.", StringComparison.Ordinal))
            {
                callbackPart.Add($"invalid {error.Field}: {error.Message}");
            }
            else
            {
                inputPart.Add(error.Message.StartsWith(AdditionalPropertiesPrefix, StringComparison.Ordinal)
                    ? error.Message
                    : $"{error.Field}: {error.Message}");
            }
        }

        var parts = new List<string>();
        if (requestPart.Count > 0)
        {
            parts.Add(RequestPrefix + string.Join(Separator, requestPart));
        }

        if (inputPart.Count > 0)
        {
            parts.Add(InputPrefix + string.Join(Separator, inputPart));
        }

        parts.AddRange(callbackPart);
        return string.Join(Separator, parts);
    }

    /// <summary>Throws the same <see cref="HiApiException"/> a 400 would produce, without sending anything.</summary>
    public static void ThrowIfInvalid(VideoRequest request, FieldError? durationError = null, string? idempotencyKey = null)
    {
        var errors = Validate(request, durationError, idempotencyKey);
        if (errors.Count > 0)
        {
            throw new HiApiException(HiApiErrorKind.InvalidRequest, FormatMessage(errors)!)
            {
                ErrorCode = "INVALID_REQUEST",
                FieldErrors = errors,
            };
        }
    }

    /// <summary>
    /// Reads a server 400 message back into field errors: the inverse of <see cref="FormatMessage"/>,
    /// also tolerant of parts it has never seen (they keep their whole text).
    /// </summary>
    internal static IReadOnlyList<FieldError> ParseMessage(string? message)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(message))
        {
            return errors;
        }

        foreach (var rawPart in SplitParts(message))
        {
            var part = rawPart;
            if (part.StartsWith(RequestPrefix, StringComparison.Ordinal))
            {
                part = part[RequestPrefix.Length..];
            }
            else if (part.StartsWith(InputPrefix, StringComparison.Ordinal))
            {
                part = part[InputPrefix.Length..];
            }
            else if (part.StartsWith("invalid ", StringComparison.Ordinal))
            {
                // "invalid callback.when: only 'final' is supported": the field sits in the prefix.
                var rest = part["invalid ".Length..];
                var colon = rest.IndexOf(": ", StringComparison.Ordinal);
                if (colon > 0)
                {
                    errors.Add(new FieldError(rest[..colon], rest[(colon + 2)..]));
                    continue;
                }
            }

            errors.Add(ParseFieldPart(part));
        }

        return errors;
    }

    private static FieldError ParseFieldPart(string part)
    {
        if (part.StartsWith(AdditionalPropertiesPrefix, StringComparison.Ordinal))
        {
            var end = part.IndexOf('\'', AdditionalPropertiesPrefix.Length);
            var name = end > AdditionalPropertiesPrefix.Length
                ? part[AdditionalPropertiesPrefix.Length..end]
                : string.Empty;
            return new FieldError(name, part);
        }

        var colon = part.IndexOf(": ", StringComparison.Ordinal);
        return colon > 0
            ? new FieldError(part[..colon], part[(colon + 2)..])
            : new FieldError(string.Empty, part);
    }

    private static IEnumerable<string> SplitParts(string message) =>
        message.Split(Separator, StringSplitOptions.RemoveEmptyEntries);

    private static void ValidateTextToVideo(VideoRequest request, FieldError? durationError, List<FieldError> errors)
    {
        if (request.Prompt is null)
        {
            errors.Add(new FieldError("prompt", "missing required field \"prompt\""));
        }
        else if (request.Prompt.Length == 0)
        {
            errors.Add(new FieldError("prompt", "minLength: got 0, want 1"));
        }
        else
        {
            ValidateNotBlank(request.Prompt, errors);
            ValidateSendable("prompt", request.Prompt, errors);
        }

        ValidateEnum("aspect_ratio", request.AspectRatio, HiApiSchema.AspectRatios, AspectRatioChoices, errors);
        ValidateEnum("resolution", request.Resolution, HiApiSchema.Resolutions, ResolutionChoices, errors);
        ValidateDuration(request.Duration, durationError, errors);
        if (request.ImageUrl is not null)
        {
            errors.Add(AdditionalProperty("image_urls"));
        }
    }

    private static void ValidateImageToVideo(VideoRequest request, FieldError? durationError, List<FieldError> errors)
    {
        if (request.ImageUrl is null)
        {
            errors.Add(new FieldError("image_urls", "missing required field \"image_urls\""));
        }
        else if (!IsAbsoluteHttps(request.ImageUrl))
        {
            errors.Add(new FieldError("image_urls/0", "value must be an absolute https URL"));
        }
        else
        {
            ValidateUrlText("image_urls/0", request.ImageUrl, errors);
        }

        // The prompt is optional here and has no minimum length in the image-to-video schema.
        if (request.Prompt is { Length: > 0 } prompt)
        {
            ValidateNotBlank(prompt, errors);
            ValidateSendable("prompt", prompt, errors);
        }

        ValidateEnum("resolution", request.Resolution, HiApiSchema.Resolutions, ResolutionChoices, errors);
        ValidateDuration(request.Duration, durationError, errors);
        if (request.AspectRatio is not null)
        {
            errors.Add(AdditionalProperty("aspect_ratio"));
        }
    }

    private static void ValidateEnum(
        string field, string? value, IReadOnlyList<string> allowed, string choices, List<FieldError> errors)
    {
        if (value is not null && !allowed.Contains(value, StringComparer.Ordinal))
        {
            errors.Add(new FieldError(field, $"value must be one of {choices}"));
        }
    }

    private static void ValidateDuration(int? duration, FieldError? durationError, List<FieldError> errors)
    {
        if (durationError is not null)
        {
            errors.Add(durationError);
            return;
        }

        if (duration is not { } seconds)
        {
            return;
        }

        var got = seconds.ToString(CultureInfo.InvariantCulture);
        if (seconds < HiApiSchema.MinDuration)
        {
            errors.Add(new FieldError("duration", $"minimum: got {got}, want {HiApiSchema.MinDuration}"));
        }
        else if (seconds > HiApiSchema.MaxDuration)
        {
            errors.Add(new FieldError("duration", $"maximum: got {got}, want {HiApiSchema.MaxDuration}"));
        }
    }

    private static void ValidateCallback(string? callbackUrl, List<FieldError> errors)
    {
        if (callbackUrl is null)
        {
            return;
        }

        if (!LoopbackHost.TryParseAbsolute(callbackUrl, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            errors.Add(new FieldError(CallbackUrlField, "value must be an absolute http or https URL"));
        }
        else if (uri.Scheme == Uri.UriSchemeHttp && !LoopbackHost.IsLoopback(uri))
        {
            // Stricter than the server on purpose: the finished task (with its download URL) would
            // otherwise travel the network in clear.
            errors.Add(new FieldError(CallbackUrlField, "must be https (http is allowed only for a loopback host)"));
        }
        else
        {
            ValidateUrlText(CallbackUrlField, callbackUrl, errors);
        }
    }

    /// <summary>Text that would not go out as given (a lone surrogate, U+FFFD): see <see cref="UnsendableText"/>.</summary>
    private static void ValidateSendable(string field, string text, List<FieldError> errors)
    {
        if (UnsendableText.Describe(text) is { } problem)
        {
            errors.Add(new FieldError(field, problem));
        }
    }

    /// <summary>
    /// Stricter than the server, on purpose: a user name or password in a URL would be sent to HiAPI and kept in the
    /// ledger; white space would be sent as typed and read differently by each party. Both are refused, never rewritten.
    /// </summary>
    private static void ValidateUrlText(string field, string url, List<FieldError> errors)
    {
        if (LoopbackHost.TryParseAbsolute(url, out var uri) && uri.UserInfo.Length > 0)
        {
            errors.Add(new FieldError(field, "must not hold a user name or password (user info): it would be sent to HiAPI and stored"));
        }
        else if (url.Any(char.IsWhiteSpace))
        {
            errors.Add(new FieldError(field, "must not contain white space: encode a space in a URL as %20"));
        }
        else
        {
            ValidateSendable(field, url, errors);
        }
    }

    /// <summary>
    /// Stricter than the server, which counts characters: a prompt of spaces and line breaks is surely a mistake
    /// (an empty cell padded by a spreadsheet), and the task would still be charged.
    /// </summary>
    private static void ValidateNotBlank(string prompt, List<FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(prompt))
        {
            errors.Add(new FieldError("prompt", "must contain text, not only white space"));
        }
    }

    private static void ValidateIdempotencyKey(string? key, List<FieldError> errors)
    {
        if (key is null)
        {
            return;
        }

        if (key.Length == 0 || Encoding.UTF8.GetByteCount(key) > MaxIdempotencyKeyBytes)
        {
            errors.Add(new FieldError(IdempotencyKeyField, $"must be 1 to {MaxIdempotencyKeyBytes} bytes"));
        }
        else if (key.Any(c => c <= ' ' || c > '~'))
        {
            errors.Add(new FieldError(IdempotencyKeyField, "must be printable ASCII without spaces (it is sent as an HTTP header)"));
        }
    }

    private static bool IsAbsoluteHttps(string value) =>
        LoopbackHost.TryParseAbsolute(value, out var uri) && uri.Scheme == Uri.UriSchemeHttps;

    private static FieldError AdditionalProperty(string field) =>
        new(field, $"{AdditionalPropertiesPrefix}{field}' not allowed");

    private static string QuoteList(IEnumerable<string> values)
    {
        var builder = new StringBuilder();
        foreach (var value in values)
        {
            if (builder.Length > 0)
            {
                builder.Append(", ");
            }

            builder.Append('\'').Append(value).Append('\'');
        }

        return builder.ToString();
    }
}
