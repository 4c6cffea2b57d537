using System.Text.Json;

namespace HiApi.Mock.Validation;

/// <summary>
/// Validates the raw JSON of <c>POST /v1/tasks</c> (not a typed model, so wrong types are seen) and builds the one
/// message the API answers with: the request part, the input part and the callback part, in that order, joined by
/// <c>"; "</c>. The wording follows the seeds; see the README's "Validation" section for each rule.
/// </summary>
internal static class TaskRequestValidator
{
    public const string BodyNotObjectMessage = "invalid request: body must be a JSON object";

    private static readonly string[] RootFields = ["model", "input", "callback"];
    private static readonly string[] CallbackFields = ["url", "when"];

    public static TaskRequestValidation Validate(ReadOnlyMemory<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, JsonTypes.StrictDocumentOptions);
        }
        catch (JsonException)
        {
            return new TaskRequestValidation(null, BodyNotObjectMessage);
        }

        using (document)
        {
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object
                ? ValidateObject(root)
                : new TaskRequestValidation(null, BodyNotObjectMessage);
        }
    }

    private static TaskRequestValidation ValidateObject(JsonElement root)
    {
        var properties = new JsonProperties(root);
        var requestErrors = new List<string>();

        ModelSchema? schema = null;
        if (!properties.TryGet("model", out var model))
        {
            requestErrors.Add("model: missing required field \"model\"");
        }
        else if (model.ValueKind == JsonValueKind.String && ModelSchema.Find(model.GetString()!) is { } found)
        {
            schema = found;
        }
        else
        {
            requestErrors.Add($"model: value must be one of {string.Join(", ", ModelSchema.All.Select(s => $"'{s.Model}'"))}");
        }

        JsonElement? input = null;
        if (!properties.TryGet("input", out var inputValue))
        {
            requestErrors.Add("input: missing required field \"input\"");
        }
        else if (inputValue.ValueKind != JsonValueKind.Object)
        {
            requestErrors.Add($"input: got {JsonTypes.TypeName(inputValue)}, want object");
        }
        else
        {
            input = inputValue;
        }

        var unknownRoot = properties.UnknownNames(RootFields);
        if (unknownRoot.Count > 0)
        {
            requestErrors.Add(JsonProperties.AdditionalPropertiesMessage(unknownRoot));
        }

        // Without a known model there is no schema to check the input against.
        var inputErrors = schema is not null && input is { } inputObject ? schema.Check(inputObject) : [];

        var callbackErrors = new List<string>();
        string? callbackUrl = null;
        if (properties.TryGet("callback", out var callback))
        {
            callbackUrl = CheckCallback(callback, callbackErrors);
        }

        var parts = new List<string>();
        if (requestErrors.Count > 0)
        {
            parts.Add("invalid request: " + string.Join("; ", requestErrors));
        }
        if (inputErrors.Count > 0)
        {
            parts.Add("invalid input: " + string.Join("; ", inputErrors));
        }
        parts.AddRange(callbackErrors);

        if (parts.Count > 0)
        {
            return new TaskRequestValidation(null, string.Join("; ", parts));
        }

        var inputProperties = new JsonProperties(input!.Value);
        string? prompt = inputProperties.TryGet("prompt", out var promptValue) ? promptValue.GetString() : null;
        int? duration = inputProperties.TryGet("duration", out var durationValue)
            && IntegerFieldRule.TryReadInteger(durationValue, out var number)
                ? (int)number
                : null;
        string? resolution = inputProperties.TryGet("resolution", out var resolutionValue) ? resolutionValue.GetString() : null;
        return new TaskRequestValidation(new ValidatedTaskRequest(schema!.Model, prompt, duration, callbackUrl, resolution), null);
    }

    /// <summary>Checks the callback object; returns its URL when valid.</summary>
    private static string? CheckCallback(JsonElement callback, List<string> errors)
    {
        if (callback.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"invalid callback: got {JsonTypes.TypeName(callback)}, want object");
            return null;
        }

        var properties = new JsonProperties(callback);
        if (!(properties.TryGet("when", out var when) && when.ValueKind == JsonValueKind.String && when.GetString() == "final"))
        {
            errors.Add("invalid callback.when: only 'final' is supported");
        }

        string? url = null;
        if (properties.TryGet("url", out var urlValue)
            && urlValue.ValueKind == JsonValueKind.String
            && UrlRules.IsAbsoluteUrl(urlValue.GetString()!, allowHttp: true))
        {
            url = urlValue.GetString();
        }
        else
        {
            errors.Add("invalid callback.url: value must be an absolute http or https URL");
        }

        var unknown = properties.UnknownNames(CallbackFields);
        if (unknown.Count > 0)
        {
            errors.Add("invalid callback: " + JsonProperties.AdditionalPropertiesMessage(unknown));
        }
        return url;
    }
}
